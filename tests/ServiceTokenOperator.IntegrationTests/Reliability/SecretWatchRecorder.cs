using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.IntegrationTests.Reliability;

/// <summary>
/// Watches the operator's Secrets in a namespace for the whole test and records the first time each token id was
/// seen in one, so that the test can ask the vendor whether that token had already been revoked by then. A dropped
/// stream is watched again from a fresh list: the current Secrets are seen again, nothing is lost for the check.
/// </summary>
internal sealed class SecretWatchRecorder : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _firstSeen = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private SecretWatchRecorder(IKubernetes client, string @namespace, TimeProvider time)
    {
        _loop = Task.Run(() => WatchAsync(client, @namespace, time, _stop.Token));
    }

    /// <summary>Token id → when it was first seen in a Secret (the watch event's arrival, never before the write).</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> FirstSeen => _firstSeen;

    /// <summary>Streams that ended and were watched again.</summary>
    public int Rewatches { get; private set; }

    public static SecretWatchRecorder Start(IKubernetes client, string @namespace, TimeProvider time) => new(client, @namespace, time);

    private async Task WatchAsync(IKubernetes client, string @namespace, TimeProvider time, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var list = await client.CoreV1.ListNamespacedSecretAsync(@namespace, labelSelector: SecretLabels.ManagedBySelector, cancellationToken: cancellationToken);
                foreach (var secret in list.Items) Record(secret, time);
                var watch = client.CoreV1.WatchListNamespacedSecretAsync(
                    @namespace, labelSelector: SecretLabels.ManagedBySelector, resourceVersion: list.Metadata.ResourceVersion, cancellationToken: cancellationToken);
                await foreach (var (type, secret) in watch)
                {
                    if (type is WatchEventType.Added or WatchEventType.Modified) Record(secret, time);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // A watch broken by the test's own faults: watch again below.
            }

            Rewatches++;
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Record(V1Secret secret, TimeProvider time)
    {
        if (secret.Metadata.Annotations?.TryGetValue(SecretLabels.TokenId, out var id) == true && !string.IsNullOrEmpty(id))
            _firstSeen.TryAdd(id, time.GetUtcNow());
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
