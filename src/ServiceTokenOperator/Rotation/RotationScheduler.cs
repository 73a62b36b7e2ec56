using System.Collections.Concurrent;
using Quartz;
using ServiceTokenOperator.Runtime;

namespace ServiceTokenOperator.Rotation;

/// <summary>
/// One Quartz trigger per ServiceToken at the next time-based action (rotation, paced rotation slot, revocation).
/// A fire only enqueues a reconcile. Runs on the leader only: <see cref="StartAsync"/> when leadership is won,
/// <see cref="StopAsync"/> when it is lost; the new leader's first reconcile of every token rebuilds the triggers.
/// </summary>
internal sealed class RotationScheduler(ISchedulerFactory factory, TimeProvider time) : IAsyncDisposable
{
    private static readonly JobKey Job = new("enqueue-reconcile", "servicetoken");
    private const string TriggerGroup = "wake";

    private readonly ConcurrentDictionary<ObjectKey, DateTimeOffset> _wakes = new();
    private IScheduler? _scheduler;
    private volatile Action<ObjectKey>? _enqueue;

    /// <summary>How many tokens have a trigger.</summary>
    public int Count => _wakes.Count;

    /// <summary>When the trigger of <paramref name="key"/> fires next, if it has one.</summary>
    public DateTimeOffset? WakeOf(ObjectKey key) => _wakes.TryGetValue(key, out var at) ? at : null;

    public async Task StartAsync(Action<ObjectKey> enqueue, CancellationToken cancellationToken)
    {
        _scheduler ??= await factory.GetScheduler(cancellationToken);
        await _scheduler.AddJob(JobBuilder.Create<EnqueueReconcileJob>().WithIdentity(Job).StoreDurably().Build(), AddJobOptions.Replacing, cancellationToken);
        _enqueue = enqueue;
        await _scheduler.Start(cancellationToken);
    }

    /// <summary>Leadership lost: no trigger may fire on this replica any more.</summary>
    public async Task StopAsync()
    {
        _enqueue = null;
        _wakes.Clear();
        if (_scheduler is null) return;
        await _scheduler.Standby(CancellationToken.None);
        await _scheduler.Clear(CancellationToken.None);
    }

    /// <summary>Sets the trigger of <paramref name="key"/> to <paramref name="at"/>; a trigger already there is moved.</summary>
    public async Task WakeAtAsync(ObjectKey key, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (_scheduler is null || _enqueue is null) return;
        // Rescheduling to the same time is the common case (every reconcile of an up-to-date token): skip it.
        if (_wakes.TryGetValue(key, out var current) && current == at) return;
        var trigger = TriggerBuilder.Create(time)
            .WithIdentity(TriggerKeyOf(key))
            .ForJob(Job)
            .StartAt(at)
            // A fire missed while the process was busy still happens, at once: the reconcile decides what is due.
            .WithSchedule(SimpleScheduleBuilder.Create().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        _wakes[key] = at;
        await _scheduler.ScheduleJob(trigger, ScheduleJobOptions.Replacing, cancellationToken);
    }

    /// <summary>The token is gone or needs no time-based action.</summary>
    public async Task ForgetAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        if (!_wakes.TryRemove(key, out _) || _scheduler is null) return;
        await _scheduler.UnscheduleJob(TriggerKeyOf(key), cancellationToken);
    }

    /// <summary>Called by the job on a fire of the trigger set for <paramref name="scheduledAt"/>.</summary>
    public void Fire(ObjectKey key, DateTimeOffset? scheduledAt)
    {
        // A trigger moved meanwhile keeps its new time.
        if (scheduledAt is { } at) _wakes.TryRemove(new KeyValuePair<ObjectKey, DateTimeOffset>(key, at));
        _enqueue?.Invoke(key);
    }

    public async ValueTask DisposeAsync()
    {
        if (_scheduler is not null) await _scheduler.Shutdown(false, CancellationToken.None);
    }

    /// <summary>
    /// The trigger's name is the token's key, which is all a fire needs: no JobDataMap per trigger (≈ 0.3 KB each
    /// in the RAM job store, issue 9). A name cannot contain '/', so "namespace/name" parses back unambiguously.
    /// </summary>
    internal static TriggerKey TriggerKeyOf(ObjectKey key) => new(key.ToString(), TriggerGroup);

    /// <summary>The token a trigger named by <see cref="TriggerKeyOf"/> wakes.</summary>
    internal static ObjectKey KeyOf(TriggerKey trigger)
    {
        var slash = trigger.Name.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? new ObjectKey(null, trigger.Name) : new ObjectKey(trigger.Name[..slash], trigger.Name[(slash + 1)..]);
    }
}
