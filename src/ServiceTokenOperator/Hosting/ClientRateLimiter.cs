using ServiceTokenOperator.Observability;

namespace ServiceTokenOperator.Hosting;

/// <summary>
/// client-go's token bucket for the Kubernetes client (--kube-api-qps, --kube-api-burst): a request waits for a
/// token, so a burst of reconciles cannot overwhelm the API server. Watches take one token when they start. The
/// wait is reported to the reconcile that made the request (<see cref="ReconcileWaits"/>).
/// </summary>
internal sealed class ClientRateLimiter(double qps, int burst, TimeProvider time) : DelegatingHandler
{
    private readonly Lock _gate = new();
    private double _tokens = burst;
    private long _updated = time.GetTimestamp();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Reserve() is { } wait && wait > TimeSpan.Zero)
        {
            var started = time.GetTimestamp();
            await Task.Delay(wait, time, cancellationToken);
            ReconcileWaits.AddThrottle(time.GetElapsedTime(started));
        }
        return await base.SendAsync(request, cancellationToken);
    }

    // Takes a token now or reserves the next one; returns how long the caller must wait for it.
    private TimeSpan? Reserve()
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(burst, _tokens + (time.GetElapsedTime(_updated, now).TotalSeconds * qps));
            _updated = now;
            _tokens -= 1;
            return _tokens >= 0 ? null : TimeSpan.FromSeconds(-_tokens / qps);
        }
    }
}
