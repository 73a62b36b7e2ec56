using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Sandbox.Vendors;

/// <summary>The body of <c>POST /_sandbox/faults</c>: what a simulator does wrong, on purpose, from now on.</summary>
public sealed record FaultSettings
{
    /// <summary>Share of requests (0..1) answered with <see cref="ErrorStatus"/>.</summary>
    [JsonPropertyName("errorRate")]
    public double ErrorRate { get; init; }

    /// <summary>HTTP status of injected errors (gRPC simulators map 5xx to UNAVAILABLE). Default 503.</summary>
    [JsonPropertyName("errorStatus")]
    public int ErrorStatus { get; init; } = 503;

    /// <summary>Added to every vendor request, in milliseconds.</summary>
    [JsonPropertyName("latencyMs")]
    public int LatencyMs { get; init; }

    /// <summary>The next this-many vendor requests are answered 429 (RESOURCE_EXHAUSTED for gRPC).</summary>
    [JsonPropertyName("burst429")]
    public int Burst429 { get; init; }

    /// <summary>Retry-After sent with 429s, in seconds. Default 1.</summary>
    [JsonPropertyName("retryAfterSeconds")]
    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>Requests per minute per credential before 429; 0 keeps the vendor's default.</summary>
    [JsonPropertyName("rateLimitPerMinute")]
    public int RateLimitPerMinute { get; init; }
}
