using k8s.Autorest;

namespace ServiceTokenOperator.Hosting;

/// <summary>
/// The few API calls made once at start (cluster id, MAC key) are retried with capped exponential backoff: one 429 or
/// 503 from an API server that is starting or throttling must not leave the operator running but doing nothing.
/// </summary>
internal static class StartupRetry
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(30);

    public static async Task<T> RunAsync<T>(string what, Func<CancellationToken, Task<T>> call, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var delay = First;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(cancellationToken);
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                Log.StartupRetry(logger, what, attempt, delay.TotalSeconds, e.Message);
                await Task.Delay(delay, time, cancellationToken);
                delay = delay * 2 > Cap ? Cap : delay * 2;
            }
        }
    }
}
