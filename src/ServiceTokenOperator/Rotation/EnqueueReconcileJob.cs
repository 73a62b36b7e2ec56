using Quartz;
using ServiceTokenOperator.Runtime;

namespace ServiceTokenOperator.Rotation;

/// <summary>What a Quartz fire does: put the ServiceToken on the work queue. The reconcile decides what is due.</summary>
internal sealed class EnqueueReconcileJob(RotationScheduler scheduler) : IJob
{
    public const string NamespaceKey = "namespace";
    public const string NameKey = "name";

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        scheduler.Fire(new ObjectKey(data.GetString(NamespaceKey), data.GetString(NameKey)!), context.ScheduledFireTimeUtc);
        return ValueTask.CompletedTask;
    }
}
