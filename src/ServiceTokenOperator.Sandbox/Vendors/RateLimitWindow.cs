using System.Collections.Concurrent;

namespace ServiceTokenOperator.Sandbox.Vendors;

/// <summary>
/// A fixed one-minute window per credential, the way the vendors document their limits ("600 requests per
/// minute per credential"). Answers the Retry-After to send when the limit is exceeded.
/// </summary>
public sealed class RateLimitWindow(TimeProvider time, Func<int> limitPerMinute)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new();

    /// <summary>Counts one request of <paramref name="credential"/>; null when allowed, else the wait until the window resets.</summary>
    public TimeSpan? TryAcquire(string credential)
    {
        var limit = limitPerMinute();
        if (limit <= 0) return null;
        var now = time.GetUtcNow();
        var window = _windows.AddOrUpdate(
            credential,
            _ => new Window(now, 1),
            (_, w) => now - w.Start >= TimeSpan.FromMinutes(1) ? new Window(now, 1) : w with { Count = w.Count + 1 });
        if (window.Count <= limit) return null;
        var wait = window.Start + TimeSpan.FromMinutes(1) - now;
        return wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait;
    }

    private sealed record Window(DateTimeOffset Start, int Count);
}
