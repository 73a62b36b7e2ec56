using Microsoft.Extensions.DependencyInjection;
using Quartz;
using ServiceTokenOperator.Rotation;
using ServiceTokenOperator.Runtime;
using ServiceTokenOperator.Tests.Runtime;

namespace ServiceTokenOperator.Tests.Rotation;

public sealed class RotationSchedulerTests
{
    [Theory]
    [InlineData("apps", "token-a")]
    [InlineData(null, "cluster-wide")]
    public void KeyOf_TriggerKeyOfAToken_IsThatToken(string? ns, string name)
    {
        var key = new ObjectKey(ns, name);

        Assert.Equal(key, RotationScheduler.KeyOf(RotationScheduler.TriggerKeyOf(key)));
    }

    [Fact]
    public async Task WakeAtAsync_TriggerMovedThenFired_EnqueuesTheTokenOnceWithoutPerTriggerJobData()
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s => s.InstanceName = $"rotation-scheduler-test-{Guid.NewGuid():N}");
            q.UseInMemoryStore();
        });
        services.AddSingleton<RotationScheduler>();
        await using var provider = services.BuildServiceProvider();
        var scheduler = provider.GetRequiredService<RotationScheduler>();
        var fired = new List<ObjectKey>();
        await scheduler.StartAsync(k =>
        {
            lock (fired)
            {
                fired.Add(k);
            }
        }, CancellationToken.None);
        var key = new ObjectKey("apps", "token-a");

        await scheduler.WakeAtAsync(key, TimeProvider.System.GetUtcNow().AddHours(1), CancellationToken.None);
        var quartz = await provider.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var trigger = await quartz.GetTrigger(RotationScheduler.TriggerKeyOf(key));
        // Moved to soon: the same trigger is replaced and fires once.
        await scheduler.WakeAtAsync(key, TimeProvider.System.GetUtcNow().AddMilliseconds(100), CancellationToken.None);
        await Eventually.TrueAsync(() =>
        {
            lock (fired)
            {
                return fired.Count == 1;
            }
        }, "the trigger fires");

        Assert.NotNull(trigger);
        Assert.Empty(trigger.JobDataMap);
        Assert.Equal([key], fired);
        Assert.Equal(0, scheduler.Count);
    }
}
