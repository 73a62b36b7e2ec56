using System.Diagnostics;

namespace ServiceTokenOperator.Observability;

/// <summary>The names the operator's telemetry is published under: one Meter and one ActivitySource.</summary>
internal static class OperatorTelemetry
{
    public const string Name = "ServiceTokenOperator";

    /// <summary>Spans: one per reconcile, one per vendor call beneath it (HTTP and gRPC calls nest under that).</summary>
    public static readonly ActivitySource Source = new(Name, typeof(OperatorTelemetry).Assembly.GetName().Version?.ToString());
}
