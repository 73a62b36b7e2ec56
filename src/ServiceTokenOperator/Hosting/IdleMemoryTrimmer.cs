namespace ServiceTokenOperator.Hosting;

/// <summary>
/// Gives the memory of a burst back to the OS once the operator goes quiet. The GC sizes its budgets by what it
/// saw survive, so after a burst (the first list, thousands of issuances, a rotation wave) the heap keeps tens of MB
/// of dead objects that no later collection reclaims: at rest an operator allocates almost nothing, so no budget is
/// ever exceeded again (issue 9: 32 MB dead of a 60 MB heap after 2,000 issuances). Every <see cref="Interval"/> it
/// compares what was allocated in the last interval with what was allocated since the last trim; when the work since
/// then was large and the last interval was quiet next to it, one blocking, compacting, aggressive full collection
/// returns the free space, and <see cref="NativeHeap.Trim"/> the C heap's. Scrapes and watch traffic at rest stay below the ratio, so a steady operator trims rarely.
/// </summary>
internal sealed class IdleMemoryTrimmer(TimeProvider time, ILogger<IdleMemoryTrimmer> logger, Func<long> allocatedBytes, Action collect) : BackgroundService
{
    /// <summary>How often the allocation counter is read.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Allocated since the last trim below which there is nothing worth trimming: about one gen0 budget. At 64 MB,
    /// the watch events of 10,000 Secrets appearing (≈ 25 MB) never led to a trim, and RSS stayed ≈ 24 MB higher.
    /// </summary>
    public const long BusyBytes = 16L * 1024 * 1024;

    /// <summary>The last interval counts as quiet when it allocated less than this fraction of the work since the last trim.</summary>
    public const int QuietRatio = 16;

    // Guards the two counters: the timer's ticks and TrimNow run on different threads.
    private readonly Lock _gate = new();
    private long _atLastTick;
    private long _atLastTrim;

    public IdleMemoryTrimmer(TimeProvider time, ILogger<IdleMemoryTrimmer> logger)
        : this(time, logger, () => GC.GetTotalAllocatedBytes(), CollectAndTrim)
    {
    }

    // The managed heap first (finalizers of sockets and buffers free native memory), then the C heap's arenas.
    private static void CollectAndTrim()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        NativeHeap.Trim();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        lock (_gate) _atLastTick = _atLastTrim = allocatedBytes();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                Tick();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>
    /// Trims at once, for a caller that knows the moment is quiet and the work before it is garbage: the controllers
    /// once their caches have synced, before any reconcile runs. Counts as a trim, so the next quiet tick does not
    /// collect the same work again.
    /// </summary>
    /// <param name="why">What made the moment quiet, for the debug log.</param>
    public void TrimNow(string why)
    {
        lock (_gate) Trim(why, allocatedBytes() - _atLastTrim);
    }

    /// <summary>One check; true when it trimmed.</summary>
    internal bool Tick()
    {
        lock (_gate)
        {
            var now = allocatedBytes();
            var lastInterval = now - _atLastTick;
            var sinceTrim = now - _atLastTrim;
            _atLastTick = now;
            if (sinceTrim < BusyBytes || lastInterval * QuietRatio >= sinceTrim) return false;
            Trim("Quiet", sinceTrim);
            return true;
        }
    }

    // Under _gate.
    private void Trim(string why, long sinceTrim)
    {
        var started = time.GetTimestamp();
        collect();
        _atLastTick = _atLastTrim = allocatedBytes();
        Log.MemoryTrimmed(logger, why, sinceTrim / (1024 * 1024), time.GetElapsedTime(started).TotalMilliseconds);
    }
}
