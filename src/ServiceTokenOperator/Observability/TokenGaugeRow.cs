namespace ServiceTokenOperator.Observability;

/// <summary>One ServiceToken as the gauges see it; timestamps in Unix seconds, absent when status has none.</summary>
internal sealed record TokenGaugeRow(
    string Namespace,
    string Name,
    string Issuer,
    string Vendor,
    bool Ready,
    double? IssuedAt,
    double? ExpiresAt,
    double? NextRotationAt);
