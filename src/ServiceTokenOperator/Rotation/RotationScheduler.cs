using Quartz;
using ServiceTokenOperator.Runtime;

namespace ServiceTokenOperator.Rotation;

/// <summary>
/// The next time-based action (rotation, paced rotation slot, revocation) of every ServiceToken, and ONE Quartz
/// trigger armed for the earliest of them. A trigger per token cost ≈ 0.7 KB each in the RAM job store (issue 9);
/// a wake here is one map entry and one heap entry. A fire only enqueues reconciles: every token due then, earliest
/// first. Runs on the leader only: <see cref="StartAsync"/> when leadership is won, <see cref="StopAsync"/> when it is
/// lost; the new leader's first reconcile of every token rebuilds the wakes.
/// </summary>
internal sealed class RotationScheduler(ISchedulerFactory factory, TimeProvider time) : IAsyncDisposable
{
    /// <summary>The job every fire of the trigger runs.</summary>
    internal static readonly JobKey Job = new("enqueue-reconcile", "servicetoken");

    /// <summary>The one trigger, armed for the earliest wake.</summary>
    internal static readonly TriggerKey Trigger = new("next-wake", "servicetoken");

    /// <summary>Stale heap entries tolerated on top of twice the live ones before the heap is rebuilt.</summary>
    internal const int StaleSlack = 1024;

    // Sentinel for "what Quartz holds is unknown" (a fire consumed the trigger, or a Quartz call failed): the next arm
    // schedules whatever is earliest. No real wake equals it.
    private static readonly DateTimeOffset Unknown = DateTimeOffset.MinValue;

    // Guards _wakes, _queue and _enqueue. Quartz is never called under it.
    private readonly Lock _gate = new();
    private readonly Dictionary<ObjectKey, DateTimeOffset> _wakes = [];

    // Lazy deletion: moving or forgetting a wake leaves its old entry here; an entry is live only while _wakes holds
    // that exact time for that key. Stale entries are dropped when they surface, or all at once by a rebuild.
    private PriorityQueue<ObjectKey, DateTimeOffset> _queue = new();
    private Action<ObjectKey>? _enqueue;

    // Serializes every Quartz call that arms, moves or removes the trigger. _armedAt is only touched under it.
    private readonly SemaphoreSlim _arm = new(1, 1);

    // Arms asked for since the holder of _arm last read the wakes, and whether a fire consumed the trigger meanwhile.
    private int _armRequests;
    private bool _consumed;
    private DateTimeOffset? _armedAt;
    private IScheduler? _scheduler;

    /// <summary>How many tokens have a wake.</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _wakes.Count;
        }
    }

    /// <summary>Heap entries, live and stale: bounded by a rebuild.</summary>
    internal int QueuedEntries
    {
        get
        {
            lock (_gate) return _queue.Count;
        }
    }

    /// <summary>When <paramref name="key"/> wakes next, if it has a wake.</summary>
    public DateTimeOffset? WakeOf(ObjectKey key)
    {
        lock (_gate) return _wakes.TryGetValue(key, out var at) ? at : null;
    }

    public async Task StartAsync(Action<ObjectKey> enqueue, CancellationToken cancellationToken)
    {
        _scheduler ??= await factory.GetScheduler(cancellationToken);
        await _scheduler.AddJob(JobBuilder.Create<EnqueueReconcileJob>().WithIdentity(Job).StoreDurably().Build(), AddJobOptions.Replacing, cancellationToken);
        lock (_gate) _enqueue = enqueue;
        await _scheduler.Start(cancellationToken);
    }

    /// <summary>Leadership lost: no wake may fire on this replica any more.</summary>
    public async Task StopAsync()
    {
        lock (_gate)
        {
            _enqueue = null;
            _wakes.Clear();
            _queue = new PriorityQueue<ObjectKey, DateTimeOffset>();
        }

        // An arm in flight finishes first; every later one sees no _enqueue and leaves Quartz alone.
        await _arm.WaitAsync(CancellationToken.None);
        try
        {
            _armedAt = null;
            if (_scheduler is null) return;
            await _scheduler.Standby(CancellationToken.None);
            await _scheduler.Clear(CancellationToken.None);
        }
        finally
        {
            _arm.Release();
        }
    }

    /// <summary>Sets the wake of <paramref name="key"/> to <paramref name="at"/>; a wake already there is moved.</summary>
    public async Task WakeAtAsync(ObjectKey key, DateTimeOffset at, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_scheduler is null || _enqueue is null) return;
            // Rescheduling to the same time is the common case (every reconcile of an up-to-date token): skip it,
            // unless an arm is still asked for: a failed Quartz call is retried by the reconcile's retry, which
            // records the same wake again.
            if (_wakes.TryGetValue(key, out var current) && current == at)
            {
                if (Volatile.Read(ref _armRequests) == 0) return;
            }
            else
            {
                _wakes[key] = at;
                _queue.Enqueue(key, at);
                RebuildIfStale();
            }
        }

        await ArmAsync(consumed: false);
    }

    /// <summary>The token is gone or needs no time-based action.</summary>
    public async Task ForgetAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            // As in WakeAtAsync: a key already gone still retries an arm that is asked for.
            if (!_wakes.Remove(key) && Volatile.Read(ref _armRequests) == 0) return;
            RebuildIfStale();
        }

        await ArmAsync(consumed: false);
    }

    /// <summary>
    /// Called by the job on a fire of the trigger: enqueues every token whose wake is due now, earliest first, and
    /// arms the trigger for the next wake. A wake moved meanwhile keeps its new time.
    /// </summary>
    public async Task FireDueAsync()
    {
        lock (_gate)
        {
            if (_enqueue is not { } enqueue) return;
            var now = time.GetUtcNow();
            while (_queue.TryPeek(out var key, out var at) && at <= now)
            {
                _queue.Dequeue();
                // Enqueued under the lock: when a fire returns, every token it took is on the work queue.
                if (_wakes.TryGetValue(key, out var current) && current == at && _wakes.Remove(key)) enqueue(key);
            }
        }

        // The fire consumed the trigger (one-shot), whatever _armedAt says: arm again even for the same time, e.g. a
        // fire a few milliseconds early that found the earliest wake not yet due.
        await ArmAsync(consumed: true);
    }

    public async ValueTask DisposeAsync()
    {
        // _arm is not disposed: a job still running after the shutdown may yet wait on it (it has no wait handle).
        if (_scheduler is not null) await _scheduler.Shutdown(false, CancellationToken.None);
    }

    /// <summary>
    /// Arms the trigger for the earliest wake. A caller that finds another arm running leaves its request to it and
    /// returns: the holder of the arm lock re-reads the wakes until no request came in meanwhile, so the last arm to
    /// run sees every change and the trigger is never left later than the earliest wake, while reconciles never queue
    /// behind a Quartz call (after a restart every worker's first reconcile waited ≈ 20 ms behind the first, cold,
    /// arm: the top of the resync's reconcile p99, issue 9). When a caller's await returns, its change is armed or
    /// being armed by the holder. The caller's cancellation is not honoured here for the same reason.
    /// </summary>
    private async Task ArmAsync(bool consumed)
    {
        if (consumed) Volatile.Write(ref _consumed, true);
        Interlocked.Increment(ref _armRequests);
        // Re-checked after the release: a request that came in after the holder's last read and found the lock still
        // taken is served here (or by whoever took the lock first).
        while (Volatile.Read(ref _armRequests) > 0 && _arm.Wait(0))
        {
            try
            {
                while (Interlocked.Exchange(ref _armRequests, 0) > 0) await ArmOnceAsync();
            }
            catch
            {
                // The failed read stays requested: the next arm retries it.
                Interlocked.Increment(ref _armRequests);
                throw;
            }
            finally
            {
                _arm.Release();
            }
        }
    }

    // One read of the earliest wake and, when it differs from what Quartz holds, one Quartz call. Under _arm.
    private async Task ArmOnceAsync()
    {
        if (Interlocked.Exchange(ref _consumed, false)) _armedAt = Unknown;
        DateTimeOffset? next;
        lock (_gate)
        {
            // Leadership lost: StopAsync cleared Quartz and nothing may be armed again.
            if (_enqueue is null || _scheduler is null) return;
            next = Earliest();
        }

        if (next == _armedAt) return;
        var scheduler = _scheduler;
        _armedAt = Unknown;
        if (next is not { } at)
        {
            await scheduler.UnscheduleJob(Trigger, CancellationToken.None);
            _armedAt = null;
            return;
        }

        var trigger = TriggerBuilder.Create(time)
            .WithIdentity(Trigger)
            .ForJob(Job)
            .StartAt(at)
            // A fire missed while the process was busy still happens, at once: the reconciles decide what is due.
            .WithSchedule(SimpleScheduleBuilder.Create().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        await scheduler.ScheduleJob(trigger, ScheduleJobOptions.Replacing, CancellationToken.None);
        _armedAt = at;
    }

    /// <summary>The earliest live wake; drops the stale entries above it. Under <see cref="_gate"/>.</summary>
    private DateTimeOffset? Earliest()
    {
        while (_queue.TryPeek(out var key, out var at))
        {
            if (_wakes.TryGetValue(key, out var current) && current == at) return at;
            _queue.Dequeue();
        }

        return null;
    }

    /// <summary>
    /// Every live wake has at least one entry in the heap, so entries beyond the live count are stale. Rebuilt from the
    /// live wakes once they exceed twice the live ones plus <see cref="StaleSlack"/>: tokens whose wake moves often
    /// cannot grow the heap without bound, and a rebuild (O(n)) is amortized over as many moves. Under <see cref="_gate"/>.
    /// </summary>
    private void RebuildIfStale()
    {
        var stale = _queue.Count - _wakes.Count;
        if (stale <= (2 * _wakes.Count) + StaleSlack) return;
        _queue = new PriorityQueue<ObjectKey, DateTimeOffset>(_wakes.Select(w => (w.Key, w.Value)));
    }
}
