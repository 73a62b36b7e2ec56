using Quartz;

namespace ServiceTokenOperator.Rotation;

/// <summary>What a Quartz fire does: put the ServiceToken on the work queue. The reconcile decides what is due.</summary>
internal sealed class EnqueueReconcileJob(RotationScheduler scheduler) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        scheduler.Fire(RotationScheduler.KeyOf(context.Trigger.Key), context.ScheduledFireTimeUtc);
        return ValueTask.CompletedTask;
    }
}
