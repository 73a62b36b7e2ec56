using System.Diagnostics;

namespace ServiceTokenOperator.Observability;

/// <summary>
/// Time the current reconcile spends waiting rather than working: on vendor calls, on Kubernetes API requests, and
/// on the Kubernetes client's own rate limiter (--kube-api-qps). The operator's overhead is the reconcile time minus
/// all three: latency is the vendor's or the API server's, and a throttled request waits for a configured budget.
/// Flows with the async context: a reconcile starts a fresh accumulator and the provider decorator and the client's
/// handlers add to it, on whatever thread their continuations run.
/// </summary>
internal sealed class ReconcileWaits
{
    private static readonly AsyncLocal<ReconcileWaits?> Current = new();
    private long _vendorTicks;
    private long _throttleTicks;
    private long _kubeApiTicks;

    /// <summary>Time awaited on vendor calls so far.</summary>
    public TimeSpan Vendor => TimeSpan.FromTicks(Interlocked.Read(ref _vendorTicks));

    /// <summary>Time awaited on Kubernetes API requests so far.</summary>
    public TimeSpan KubeApi => TimeSpan.FromTicks(Interlocked.Read(ref _kubeApiTicks));

    /// <summary>Time awaited on the Kubernetes client's rate limiter so far.</summary>
    public TimeSpan Throttle => TimeSpan.FromTicks(Interlocked.Read(ref _throttleTicks));

    /// <summary>Starts a fresh accumulator for the calling async flow and what it awaits.</summary>
    public static ReconcileWaits Begin()
    {
        var accumulator = new ReconcileWaits();
        Current.Value = accumulator;
        return accumulator;
    }

    /// <summary>Adds a vendor call's duration (Stopwatch ticks) to the current reconcile, if any.</summary>
    public static void AddVendor(long stopwatchTicks)
    {
        if (Current.Value is { } accumulator) Interlocked.Add(ref accumulator._vendorTicks, Stopwatch.GetElapsedTime(0, stopwatchTicks).Ticks);
    }

    /// <summary>Adds a Kubernetes API request's duration to the current reconcile, if any.</summary>
    public static void AddKubeApi(TimeSpan waited)
    {
        if (Current.Value is { } accumulator) Interlocked.Add(ref accumulator._kubeApiTicks, waited.Ticks);
    }

    /// <summary>Adds a wait on the client rate limiter to the current reconcile, if any.</summary>
    public static void AddThrottle(TimeSpan waited)
    {
        if (Current.Value is { } accumulator) Interlocked.Add(ref accumulator._throttleTicks, waited.Ticks);
    }
}
