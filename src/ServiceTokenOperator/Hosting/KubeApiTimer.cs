using ServiceTokenOperator.Observability;

namespace ServiceTokenOperator.Hosting;

/// <summary>
/// Times each Kubernetes API request for the reconcile that made it (<see cref="ReconcileWaits"/>), so the
/// operator's own work can be told apart from the API server's latency. Innermost handler: a wait on the client rate
/// limiter is not in it.
/// </summary>
internal sealed class KubeApiTimer(TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            ReconcileWaits.AddKubeApi(time.GetElapsedTime(started));
        }
    }
}
