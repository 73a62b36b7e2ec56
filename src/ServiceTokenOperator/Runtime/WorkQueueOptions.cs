namespace ServiceTokenOperator.Runtime;

/// <summary>Per-key failure backoff of a <see cref="WorkQueue{TKey}"/>, like client-go's ItemExponentialFailureRateLimiter.</summary>
internal sealed record WorkQueueOptions
{
    /// <summary>Delay of the first retry; each further failure doubles it. Default 5 ms.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Cap of the retry delay. Default 5 min.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Up to this share of a retry delay is added at random, so keys failing together do not retry together. Default 0.</summary>
    public double Jitter { get; init; }
}
