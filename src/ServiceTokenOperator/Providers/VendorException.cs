namespace ServiceTokenOperator.Providers;

/// <summary>A failed vendor call. The message carries status codes and vendor error codes, never token values.</summary>
internal sealed class VendorException(VendorErrorKind kind, string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public VendorErrorKind Kind { get; } = kind;

    /// <summary>The vendor's Retry-After, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Whether waiting alone can make the call succeed.</summary>
    public bool IsTransient => Kind is VendorErrorKind.Unavailable or VendorErrorKind.RateLimited;
}
