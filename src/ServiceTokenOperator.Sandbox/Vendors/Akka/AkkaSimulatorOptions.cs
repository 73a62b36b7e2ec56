namespace ServiceTokenOperator.Sandbox.Vendors.Akka;

/// <summary>How an <see cref="AkkaSimulator"/> behaves.</summary>
public sealed record AkkaSimulatorOptions
{
    /// <summary>Port of the plaintext HTTP/2 gRPC listener; 0 picks a free one.</summary>
    public int GrpcPort { get; init; }

    /// <summary>Port of the HTTP/1.1 <c>/_sandbox</c> listener; 0 picks a free one.</summary>
    public int InspectPort { get; init; }

    /// <summary>The clock of access-token expiry and rate-limit windows.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Lifetime of access tokens from <c>CreateAccessToken</c>. Default 1 hour.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary><c>ListTokens</c> page size when the request leaves <c>page_size</c> at 0. Default 10.</summary>
    public int PageSizeDefault { get; init; } = 10;

    /// <summary>Requests per minute per credential before RESOURCE_EXHAUSTED (undocumented by Akka). Default 600.</summary>
    public int RateLimitPerMinute { get; init; } = 600;
}
