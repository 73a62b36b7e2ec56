using Quartz;

namespace ServiceTokenOperator.Rotation;

/// <summary>
/// What a Quartz fire does: put every ServiceToken whose wake is due on the work queue and arm the trigger for the
/// next wake. The reconciles decide what is due. One trigger serves all tokens, so it carries no token key.
/// </summary>
internal sealed class EnqueueReconcileJob(RotationScheduler scheduler) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await scheduler.FireDueAsync();
}
