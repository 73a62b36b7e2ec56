using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ServiceTokenOperator.Observability;

/// <summary>
/// Writes core/v1 Events about ServiceTokens and issuers, as client-go's recorder does: recording never blocks the
/// caller (a bounded queue, written in the background), repeats patch the count of the earlier Event
/// (<see cref="EventCorrelator"/>), and a failure to write is logged and dropped. Messages are the conditions'
/// messages, which never hold a token value.
/// </summary>
internal sealed class EventRecorder(IKubernetes client, EventCorrelator correlator, TimeProvider time, string instance, ILogger<EventRecorder> logger)
{
    public const string Component = "servicetoken-operator";
    public const string Normal = "Normal";
    public const string Warning = "Warning";

    // The API server rejects longer messages.
    private const int MaxMessageLength = 1024;

    private readonly Channel<(V1ObjectReference Object, string Type, string Reason, string Message)> _pending =
        Channel.CreateBounded<(V1ObjectReference, string, string, string)>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });

    /// <summary>Queues an event about <paramref name="involved"/>; returns at once.</summary>
    public void Record(IKubernetesObject<V1ObjectMeta> involved, string type, string reason, string message)
    {
        var reference = new V1ObjectReference
        {
            ApiVersion = involved.ApiVersion,
            Kind = involved.Kind,
            Name = involved.Metadata.Name,
            NamespaceProperty = involved.Metadata.NamespaceProperty,
            Uid = involved.Metadata.Uid,
            ResourceVersion = involved.Metadata.ResourceVersion,
        };
        _pending.Writer.TryWrite((reference, type, reason, message.Length > MaxMessageLength ? message[..(MaxMessageLength - 3)] + "..." : message));
    }

    /// <summary>Writes queued events until <paramref name="ct"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var (involved, type, reason, message) in _pending.Reader.ReadAllAsync(ct))
            {
                try
                {
                    await WriteAsync(involved, type, reason, message, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // Events are best effort, as in client-go: the condition in status is the record that matters.
                    Log.EventWriteFailed(logger, involved.Kind, involved.NamespaceProperty ?? string.Empty, involved.Name, reason, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: unsent events are dropped.
        }
    }

    private async Task WriteAsync(V1ObjectReference involved, string type, string reason, string message, CancellationToken ct)
    {
        var key = new EventKey(involved.Uid ?? $"{involved.Kind}/{involved.NamespaceProperty}/{involved.Name}", type, reason, message);
        var decision = correlator.Correlate(key);
        // Event timestamps are whole seconds on the wire (metav1.Time).
        var exact = time.GetUtcNow().UtcDateTime;
        var now = exact.AddTicks(-(exact.Ticks % TimeSpan.TicksPerSecond));
        if (decision.Action == EventAction.Drop)
        {
            Log.EventDropped(logger, involved.Kind, involved.NamespaceProperty ?? string.Empty, involved.Name, reason);
            return;
        }

        if (decision.Action == EventAction.Patch)
        {
            var patch = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["count"] = decision.Count,
                ["message"] = decision.Message,
                ["lastTimestamp"] = now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            });
            try
            {
                await client.CoreV1.PatchNamespacedEventAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), decision.Name, decision.Namespace, cancellationToken: ct);
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                // The Event expired: start a new one.
                correlator.Forget(decision.Key);
            }
        }

        // Cluster-scoped objects get their events in "default", as client-go does.
        var @namespace = involved.NamespaceProperty ?? "default";
        var name = $"{involved.Name}.{((exact - DateTime.UnixEpoch).Ticks * 100).ToString("x", CultureInfo.InvariantCulture)}";
        var created = await client.CoreV1.CreateNamespacedEventAsync(
            new Corev1Event
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace },
                InvolvedObject = involved,
                Type = type,
                Reason = reason,
                Message = decision.Message,
                Count = 1,
                FirstTimestamp = now,
                LastTimestamp = now,
                Source = new V1EventSource { Component = Component },
                ReportingComponent = $"servicetoken.dev/{Component}",
                ReportingInstance = instance,
            },
            @namespace,
            cancellationToken: ct);
        correlator.Written(decision.Key, @namespace, created.Metadata.Name);
    }
}
