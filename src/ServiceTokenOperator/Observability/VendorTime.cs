using System.Diagnostics;

namespace ServiceTokenOperator.Observability;

/// <summary>
/// Time spent awaiting vendor calls within the current reconcile, so that the operator's own overhead (reconcile
/// time minus vendor time) can be measured apart from vendor latency. Flows with the async context: a reconcile
/// starts a fresh accumulator and the provider decorator adds to it, on whatever thread its continuation runs.
/// </summary>
internal sealed class VendorTime
{
    private static readonly AsyncLocal<VendorTime?> Current = new();
    private long _ticks;

    /// <summary>Total Stopwatch ticks recorded so far.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks));

    /// <summary>Starts a fresh accumulator for the calling async flow and what it awaits.</summary>
    public static VendorTime Begin()
    {
        var accumulator = new VendorTime();
        Current.Value = accumulator;
        return accumulator;
    }

    /// <summary>Adds a vendor call's duration (Stopwatch ticks) to the current reconcile, if any.</summary>
    public static void Add(long stopwatchTicks)
    {
        if (Current.Value is { } accumulator) Interlocked.Add(ref accumulator._ticks, stopwatchTicks);
    }
}
