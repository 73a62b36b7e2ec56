namespace ServiceTokenOperator.Sandbox.Vendors.Upsun;

/// <summary>How an <see cref="UpsunSimulator"/> starts.</summary>
public sealed record UpsunSimulatorOptions
{
    /// <summary>Port of the API server on 127.0.0.1; 0 picks a free one.</summary>
    public int ApiPort { get; init; }

    /// <summary>Port of the auth server on 127.0.0.1; 0 picks a free one. Real deployments use separate hosts.</summary>
    public int AuthPort { get; init; }

    /// <summary>Clock for token timestamps, JWT expiry and the rate-limit window.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary><c>upsun</c> or <c>platformsh</c>: only names and e-mail addresses differ; the API is the same.</summary>
    public string Brand { get; init; } = "upsun";

    /// <summary>Lifetime of access tokens from the api_token grant. Default 900 s, as the vendor answers.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromSeconds(900);

    /// <summary>
    /// Requests per minute per credential before 429. The vendor documents no limit, so this is a guess kept
    /// configurable; <c>POST /_sandbox/faults</c> with <c>rateLimitPerMinute</c> overrides it at run time.
    /// </summary>
    public int RateLimitPerMinute { get; init; } = 600;
}
