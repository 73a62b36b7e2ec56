using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;
using ServiceTokenOperator.Rotation;
using ServiceTokenOperator.Runtime;
using ServiceTokenOperator.Tests.Runtime;

namespace ServiceTokenOperator.Tests.Rotation;

public sealed class RotationSchedulerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static ObjectKey Key(int i) => new("apps", $"token-{i}");

    /// <summary>
    /// A started scheduler whose Quartz is put in standby: it stores the trigger the scheduler arms but never fires it,
    /// so each test fires by calling <see cref="RotationScheduler.FireDueAsync"/> at the fake time it chose.
    /// </summary>
    private static async Task<(ServiceProvider Provider, RotationScheduler Scheduler, IScheduler Quartz, List<ObjectKey> Fired)> StartAsync(TimeProvider time, bool quartzFires)
    {
        var services = new ServiceCollection();
        services.AddSingleton(time);
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s => s.InstanceName = $"rotation-scheduler-test-{Guid.NewGuid():N}");
            q.UseTimeProvider(time);
            q.UseInMemoryStore();
        });
        services.AddSingleton<RotationScheduler>();
        var provider = services.BuildServiceProvider();
        var scheduler = provider.GetRequiredService<RotationScheduler>();
        var fired = new List<ObjectKey>();
        await scheduler.StartAsync(k =>
        {
            lock (fired)
            {
                fired.Add(k);
            }
        }, CancellationToken.None);
        var quartz = await provider.GetRequiredService<ISchedulerFactory>().GetScheduler();
        if (!quartzFires) await quartz.Standby();
        return (provider, scheduler, quartz, fired);
    }

    /// <summary>
    /// Deletes the trigger's job, so Quartz refuses every arm (JobPersistenceException) until the returned call puts
    /// the job back.
    /// </summary>
    private static async Task<Func<Task>> BreakArmsAsync(IScheduler quartz)
    {
        var job = await quartz.GetJobDetail(RotationScheduler.Job);
        await quartz.DeleteJob(RotationScheduler.Job);
        return async () => await quartz.AddJob(job!, AddJobOptions.Replacing);
    }

    private static async Task<DateTimeOffset?> ArmedAsync(IScheduler quartz) =>
        await quartz.GetTrigger(RotationScheduler.Trigger) is { } trigger ? trigger.StartTimeUtc : null;

    private static List<ObjectKey> Take(List<ObjectKey> fired)
    {
        lock (fired)
        {
            var taken = fired.ToList();
            fired.Clear();
            return taken;
        }
    }

    [Fact]
    public async Task FireDueAsync_SeveralWakes_EnqueuesEachAtItsTimeEarliestFirst()
    {
        var time = new FakeTimeProvider(Start);
        var (provider, scheduler, quartz, fired) = await StartAsync(time, quartzFires: false);
        await using var _ = provider;
        await scheduler.WakeAtAsync(Key(1), Start.AddMinutes(3), CancellationToken.None);
        await scheduler.WakeAtAsync(Key(2), Start.AddMinutes(1), CancellationToken.None);
        await scheduler.WakeAtAsync(Key(3), Start.AddMinutes(2), CancellationToken.None);
        Assert.Equal(Start.AddMinutes(1), await ArmedAsync(quartz));

        time.Advance(TimeSpan.FromSeconds(59));
        await scheduler.FireDueAsync();
        Assert.Empty(Take(fired));

        time.Advance(TimeSpan.FromSeconds(1));
        await scheduler.FireDueAsync();
        Assert.Equal([Key(2)], Take(fired));
        Assert.Equal(Start.AddMinutes(2), await ArmedAsync(quartz));

        // Late: both remaining wakes are due at one fire, earliest first.
        time.Advance(TimeSpan.FromMinutes(5));
        await scheduler.FireDueAsync();
        Assert.Equal([Key(3), Key(1)], Take(fired));
        Assert.Equal(0, scheduler.Count);
        Assert.Null(await ArmedAsync(quartz));
    }

    [Fact]
    public async Task WakeAtAsync_WakeMovedEarlierThenLater_FiresOnlyAtTheLastTime()
    {
        var time = new FakeTimeProvider(Start);
        var (provider, scheduler, quartz, fired) = await StartAsync(time, quartzFires: false);
        await using var _ = provider;
        await scheduler.WakeAtAsync(Key(1), Start.AddMinutes(10), CancellationToken.None);
        await scheduler.WakeAtAsync(Key(1), Start.AddMinutes(2), CancellationToken.None);
        Assert.Equal(Start.AddMinutes(2), await ArmedAsync(quartz));
        await scheduler.WakeAtAsync(Key(1), Start.AddMinutes(5), CancellationToken.None);

        Assert.Equal(Start.AddMinutes(5), scheduler.WakeOf(Key(1)));
        Assert.Equal(Start.AddMinutes(5), await ArmedAsync(quartz));
        time.Advance(TimeSpan.FromMinutes(3));
        await scheduler.FireDueAsync();
        Assert.Empty(Take(fired));
        time.Advance(TimeSpan.FromMinutes(2));
        await scheduler.FireDueAsync();
        Assert.Equal([Key(1)], Take(fired));
        time.Advance(TimeSpan.FromMinutes(10));
        await scheduler.FireDueAsync();
        Assert.Empty(Take(fired));
    }

    [Fact]
    public async Task WakeAtAsync_SameTimeAgain_LeavesOneHeapEntry()
    {
        var time = new FakeTimeProvider(Start);
        var (provider, scheduler, _, _) = await StartAsync(time, quartzFires: false);
        await using var _ = provider;

        for (var i = 0; i < 5; i++) await scheduler.WakeAtAsync(Key(1), Start.AddMinutes(1), CancellationToken.None);

        Assert.Equal(1, scheduler.QueuedEntries);
        Assert.Equal(1, scheduler.Count);
    }

    [Fact]
    public async Task ForgetAsync_OneOfTwoWakes_OnlyTheOtherFiresAndTheTriggerMovesToIt()
    {
        var time = new FakeTimeProvider(Start);
        var (provider, scheduler, quartz, fired) = await StartAsync(time, quartzFires: false);
        await using var _ = provider;
        await scheduler.WakeAtAsync(Key(1), Start.AddMinutes(1), CancellationToken.None);
        await scheduler.WakeAtAsync(Key(2), Start.AddMinutes(2), CancellationToken.None);

        await scheduler.ForgetAsync(Key(1), CancellationToken.None);

        Assert.Null(scheduler.WakeOf(Key(1)));
        Assert.Equal(Start.AddMinutes(2), await ArmedAsync(quartz));
        time.Advance(TimeSpan.FromMinutes(3));
        await scheduler.FireDueAsync();
        Assert.Equal([Key(2)], Take(fired));
        await scheduler.WakeAtAsync(Key(3), Start.AddMinutes(10), CancellationToken.None);
        await scheduler.ForgetAsync(Key(3), CancellationToken.None);
        Assert.Null(await ArmedAsync(quartz));
    }

    [Fact]
    public async Task FireDueAsync_ManyWakesDueAtOnce_EnqueuesAllInOneFire()
    {
        var time = new FakeTimeProvider(Start);
        var (provider, scheduler, quartz, fired) = await StartAsync(time, quartzFires: false);
        await using var _ = provider;
        for (var i = 0; i < 5_000; i++) await scheduler.WakeAtAsync(Key(i), Start.AddSeconds(1 + (i % 7)), CancellationToken.None);

        time.Advance(TimeSpan.FromMinutes(1));
        await scheduler.FireDueAsync();

        var taken = Take(fired);
        Assert.Equal(5_000, taken.Count);
        Assert.Equal(Enumerable.Range(0, 5_000).Select(Key).ToHashSet(), taken.ToHashSet());
        Assert.Equal(0, scheduler.Count);
        Assert.Null(await ArmedAsync(quartz));
    }

    [Fact]
    public async Task WakeAtAsync_EarlierThanTheArmedWake_RearmsTheTrigger()
    {
        var time = new FakeTimeProvider(Start);
        var (provider, scheduler, quartz, fired) = await StartAsync(time, quartzFires: false);
        await using var _ = provider;
        await scheduler.WakeAtAsync(Key(1), Start.AddHours(1), CancellationToken.None);
        Assert.Equal(Start.AddHours(1), await ArmedAsync(quartz));

        await scheduler.WakeAtAsync(Key(2), Start.AddMinutes(1), CancellationToken.None);
        Assert.Equal(Start.AddMinutes(1), await ArmedAsync(quartz));
        // A later wake leaves the trigger where it is.
        await scheduler.WakeAtAsync(Key(3), Start.AddMinutes(30), CancellationToken.None);
        Assert.Equal(Start.AddMinutes(1), await ArmedAsync(quartz));

        time.Advance(TimeSpan.FromMinutes(1));
        await scheduler.FireDueAsync();
        Assert.Equal([Key(2)], Take(fired));
        Assert.Equal(Start.AddMinutes(30), await ArmedAsync(quartz));
    }

    [Fact]
    public async Task WakeAtAsync_SameWakeAgainAfterAFailedArm_ArmsTheTrigger()
    {
        var time = new FakeTimeProvider(Start);
        var (provider, scheduler, quartz, _) = await StartAsync(time, quartzFires: false);
        await using var _ = provider;
        await scheduler.WakeAtAsync(Key(1), Start.AddHours(1), CancellationToken.None);

        // The arm for the earlier wake fails, and the reconcile with it.
        var mend = await BreakArmsAsync(quartz);
        await Assert.ThrowsAsync<JobPersistenceException>(() => scheduler.WakeAtAsync(Key(2), Start.AddMinutes(5), CancellationToken.None));
        Assert.Null(await ArmedAsync(quartz));

        // The reconcile's retry records the same wake again: the arm is retried, not skipped as unchanged.
        await mend();
        await scheduler.WakeAtAsync(Key(2), Start.AddMinutes(5), CancellationToken.None);
        Assert.Equal(Start.AddMinutes(5), await ArmedAsync(quartz));
    }

    [Fact]
    public async Task ForgetAsync_AgainAfterAFailedArm_MovesTheTriggerToTheNextWake()
    {
        var time = new FakeTimeProvider(Start);
        var (provider, scheduler, quartz, _) = await StartAsync(time, quartzFires: false);
        await using var _ = provider;
        await scheduler.WakeAtAsync(Key(1), Start.AddMinutes(5), CancellationToken.None);
        await scheduler.WakeAtAsync(Key(2), Start.AddHours(1), CancellationToken.None);

        var mend = await BreakArmsAsync(quartz);
        await Assert.ThrowsAsync<JobPersistenceException>(() => scheduler.ForgetAsync(Key(1), CancellationToken.None));

        await mend();
        await scheduler.ForgetAsync(Key(1), CancellationToken.None);
        Assert.Equal(Start.AddHours(1), await ArmedAsync(quartz));
    }

    [Fact]
    public async Task WakeAtAsync_ConcurrentFromSeveralTasks_FiresEveryKeyAtItsTime()
    {
        var time = new FakeTimeProvider(Start);
        var (provider, scheduler, quartz, fired) = await StartAsync(time, quartzFires: false);
        await using var _ = provider;
        const int Tasks = 8;
        const int PerTask = 200;
        // Distinct keys, times shared by a few keys each; every key is first set late, then moved to its time.
        DateTimeOffset WakeOf(int i) => Start.AddSeconds(1 + ((i * 7919) % 400));

        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            for (var j = 0; j < PerTask; j++)
            {
                var i = (t * PerTask) + j;
                await scheduler.WakeAtAsync(Key(i), Start.AddDays(1), CancellationToken.None);
                await scheduler.WakeAtAsync(Key(i), WakeOf(i), CancellationToken.None);
            }
        })));

        var byTime = Enumerable.Range(0, Tasks * PerTask).GroupBy(WakeOf).OrderBy(g => g.Key).ToList();
        Assert.Equal(Tasks * PerTask, scheduler.Count);
        Assert.Equal(byTime[0].Key, await ArmedAsync(quartz));
        for (var n = 0; n < byTime.Count; n++)
        {
            time.SetUtcNow(byTime[n].Key);
            await scheduler.FireDueAsync();
            Assert.Equal(byTime[n].Select(Key).ToHashSet(), Take(fired).ToHashSet());
            Assert.Equal(n + 1 < byTime.Count ? byTime[n + 1].Key : null, await ArmedAsync(quartz));
        }
    }

    [Fact]
    public async Task WakeAtAsync_WhileAnotherCallIsInsideQuartz_ReturnsWithoutWaitingAndTheTriggerEndsAtTheEarliest()
    {
        var time = new FakeTimeProvider(Start);
        var (provider, scheduler, quartz, _) = await StartAsync(time, quartzFires: false);
        await using var _ = provider;
        var held = new FirstScheduleHeld();
        quartz.ListenerManager.AddSchedulerListener(held);

        var first = Task.Run(() => scheduler.WakeAtAsync(Key(1), Start.AddMinutes(10), CancellationToken.None));
        await held.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // The first arm is inside Quartz: a reconcile moving another wake earlier records it and returns.
        await scheduler.WakeAtAsync(Key(2), Start.AddMinutes(5), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(first.IsCompleted);

        // The holder re-reads the wakes before it returns: the trigger ends at the earlier one.
        held.Release.SetResult();
        await first.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Start.AddMinutes(5), await ArmedAsync(quartz));
        Assert.Equal(2, scheduler.Count);
    }

    /// <summary>Holds the first ScheduleJob inside Quartz until released; later ones pass.</summary>
    private sealed class FirstScheduleHeld : ISchedulerListener
    {
        private int _calls;

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask JobScheduled(IScheduler scheduler, ITrigger trigger, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _calls) != 1) return;
            Entered.SetResult();
            await Release.Task;
        }
    }

    [Fact]
    public async Task WakeAtAsync_WakesMovedManyTimes_HeapRebuiltWithinItsBound()
    {
        var time = new FakeTimeProvider(Start);
        var (provider, scheduler, _, fired) = await StartAsync(time, quartzFires: false);
        await using var _ = provider;
        const int Keys = 10;
        var bound = (3 * Keys) + RotationScheduler.StaleSlack + 1;
        var most = 0;

        for (var round = 0; round < 1_000; round++)
        {
            for (var i = 0; i < Keys; i++) await scheduler.WakeAtAsync(Key(i), Start.AddMinutes(1 + ((round + i) % 60)), CancellationToken.None);
            most = Math.Max(most, scheduler.QueuedEntries);
        }

        Assert.InRange(most, Keys, bound);
        time.Advance(TimeSpan.FromHours(1));
        await scheduler.FireDueAsync();
        Assert.Equal(Enumerable.Range(0, Keys).Select(Key).ToHashSet(), Take(fired).ToHashSet());
        Assert.Equal(0, scheduler.QueuedEntries);
    }

    [Fact]
    public async Task StopAsync_WakesSet_NothingFiresOrArmsAfterwards()
    {
        var time = new FakeTimeProvider(Start);
        var (provider, scheduler, quartz, fired) = await StartAsync(time, quartzFires: false);
        await using var _ = provider;
        await scheduler.WakeAtAsync(Key(1), Start.AddMinutes(1), CancellationToken.None);
        await scheduler.WakeAtAsync(Key(2), Start.AddMinutes(2), CancellationToken.None);

        await scheduler.StopAsync();
        await scheduler.WakeAtAsync(Key(3), Start.AddMinutes(3), CancellationToken.None);
        time.Advance(TimeSpan.FromHours(1));
        await scheduler.FireDueAsync();

        Assert.Empty(Take(fired));
        Assert.Equal(0, scheduler.Count);
        Assert.Null(await ArmedAsync(quartz));
    }

    [Fact]
    public async Task WakeAtAsync_WakeMovedThenFired_EnqueuesTheTokenOnceFromOneTriggerWithoutJobData()
    {
        var (provider, scheduler, quartz, fired) = await StartAsync(TimeProvider.System, quartzFires: true);
        await using var _ = provider;
        var now = TimeProvider.System.GetUtcNow();
        var key = Key(1);
        await scheduler.WakeAtAsync(Key(2), now.AddHours(2), CancellationToken.None);
        await scheduler.WakeAtAsync(key, now.AddHours(1), CancellationToken.None);
        var triggers = await quartz.GetTriggerKeys(GroupMatcher<TriggerKey>.AnyGroup());
        var trigger = await quartz.GetTrigger(RotationScheduler.Trigger);

        // Moved to soon: the one trigger is re-armed and fires once.
        await scheduler.WakeAtAsync(key, TimeProvider.System.GetUtcNow().AddMilliseconds(100), CancellationToken.None);
        await Eventually.TrueAsync(() => scheduler.Count == 1, "the trigger fires");

        Assert.Equal([RotationScheduler.Trigger], triggers);
        Assert.NotNull(trigger);
        Assert.Empty(trigger.JobDataMap);
        Assert.Equal([key], Take(fired));
        // Re-armed by the fire for the wake left.
        await Eventually.TrueAsync(async () => await ArmedAsync(quartz) == now.AddHours(2), "the fire re-arms for the wake left");
        Assert.Equal(now.AddHours(2), await ArmedAsync(quartz));
    }

    [Fact]
    public async Task FireDueAsync_SuccessiveWakes_TheTriggerReArmedByEachFireFiresAgain()
    {
        var (provider, scheduler, _, fired) = await StartAsync(TimeProvider.System, quartzFires: true);
        await using var _ = provider;
        var now = TimeProvider.System.GetUtcNow();

        for (var i = 0; i < 3; i++) await scheduler.WakeAtAsync(Key(i), now.AddMilliseconds(100 * (3 - i)), CancellationToken.None);

        // Each fire re-arms the trigger from inside its own job: the re-arm must survive that job's completion.
        await Eventually.TrueAsync(() => scheduler.Count == 0, "every wake fires");
        Assert.Equal([Key(2), Key(1), Key(0)], Take(fired));
    }

    [Fact]
    public async Task WakeAtAsync_WakeMissedWhileBusy_FiresAtOnce()
    {
        var (provider, scheduler, _, fired) = await StartAsync(TimeProvider.System, quartzFires: true);
        await using var _ = provider;

        // Past Quartz's misfire threshold (60 s): the misfire instruction fires it now.
        await scheduler.WakeAtAsync(Key(1), TimeProvider.System.GetUtcNow().AddMinutes(-5), CancellationToken.None);

        await Eventually.TrueAsync(() => scheduler.Count == 0, "the missed wake fires");
        Assert.Equal([Key(1)], Take(fired));
    }
}
