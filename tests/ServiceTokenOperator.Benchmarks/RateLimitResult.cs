namespace ServiceTokenOperator.Benchmarks;

/// <summary>
/// A rotation wave during a vendor outage (every call answered 503), then recovery under a rate limit.
/// <see cref="RejectedCalls"/> are the calls after the outage that neither created nor revoked a token: with
/// PlanetScale (no verification call) those are the 429s the operator drew.
/// </summary>
internal sealed record RateLimitResult(int LimitPerMinute, double OutageSeconds, int Tokens, double? SecondsAfterOutage, double? IdealSecondsAfterOutage,
    long CallsDuringOutage, long CallsAfterOutage, long RejectedCalls, long ApiWrites);
