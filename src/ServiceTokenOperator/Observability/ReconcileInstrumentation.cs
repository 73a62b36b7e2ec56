using System.Diagnostics;
using ServiceTokenOperator.Runtime;

namespace ServiceTokenOperator.Observability;

/// <summary>
/// Wraps a reconciler for the work queue: a span per reconcile (vendor spans nest under it), its duration by
/// result, and, where asked, the overhead: the duration minus the time awaited on vendor calls, Kubernetes API requests and the client rate limiter. Log lines written
/// during the reconcile carry its controller and key as a scope, so structured logs can be filtered per object.
/// </summary>
internal static class ReconcileInstrumentation
{
    public static Func<TKey, CancellationToken, Task<ReconcileResult>> Wrap<TKey>(
        string controller, Func<TKey, CancellationToken, Task<ReconcileResult>> reconcile, OperatorMetrics metrics, bool measureOverhead, ILogger? logger = null)
        where TKey : notnull =>
        async (key, ct) =>
        {
            using var scope = logger?.BeginScope(new Dictionary<string, object> { ["Controller"] = controller, ["Key"] = key.ToString() ?? string.Empty });
            using var activity = OperatorTelemetry.Source.StartActivity($"reconcile {controller}", ActivityKind.Internal);
            activity?.SetTag("servicetoken.controller", controller);
            activity?.SetTag("servicetoken.key", key.ToString());
            var waits = ReconcileWaits.Begin();
            var started = Stopwatch.GetTimestamp();
            var result = "error";
            try
            {
                var outcome = await reconcile(key, ct);
                result = ResultOf(outcome);
                return outcome;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                result = "canceled";
                throw;
            }
            finally
            {
                var elapsed = Stopwatch.GetElapsedTime(started);
                activity?.SetTag("servicetoken.result", result);
                if (result is "error" or "failed") activity?.SetStatus(ActivityStatusCode.Error, result);
                metrics.RecordReconcile(controller, result, elapsed, measureOverhead ? waits : null);
            }
        };

    public static string ResultOf(ReconcileResult result) => result.Outcome switch
    {
        ReconcileOutcome.Done => "done",
        ReconcileOutcome.RequeueAfter => "requeue",
        _ => "failed",
    };
}
