using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ServiceTokenOperator.Runtime;

/// <summary>
/// Lists and watches any resource through the custom-objects endpoints of KubernetesClient, which address the core
/// group too (<c>/api/v1/...</c> when the group is empty). Restricted to one namespace when
/// <paramref name="namespaceScope"/> is set; across all namespaces otherwise. For <see cref="PartialObjectMetadata"/> it
/// asks the server for metadata only, so that the data of objects the operator only needs to know exist (Secrets it
/// does not manage) never crosses the wire.
/// </summary>
internal sealed class KubernetesResourceSource<T>(IKubernetes client, ResourceType type, string? namespaceScope = null, TimeProvider? time = null)
    : IResourceSource<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    // client-go's reflector picks a random server-side watch timeout in [5, 10) minutes so that watches of many
    // informers do not all reconnect at once.
    private static readonly TimeSpan MinWatchTimeout = TimeSpan.FromMinutes(5);

    // A watch that the server should have closed by now is presumed half-open and dropped client-side.
    private static readonly TimeSpan WatchGrace = TimeSpan.FromSeconds(30);

    private readonly string? _namespace = type.Namespaced ? namespaceScope : null;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Dictionary<string, IReadOnlyList<string>>? _listHeaders = MetadataOnly ? new() { ["Accept"] = PartialObjectMetadata.ListAccept } : null;
    private readonly Dictionary<string, IReadOnlyList<string>>? _watchHeaders = MetadataOnly ? new() { ["Accept"] = PartialObjectMetadata.WatchAccept } : null;

    private static bool MetadataOnly => typeof(T) == typeof(PartialObjectMetadata);

    public async Task<ResourcePage<T>> ListAsync(string? labelSelector, string? continueToken, int limit, CancellationToken ct)
    {
        using var response = _namespace is null
            ? await client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<ResourceList<T>>(
                type.Group, type.Version, type.Plural, continueParameter: continueToken, labelSelector: labelSelector,
                limit: limit, customHeaders: _listHeaders, cancellationToken: ct).ConfigureAwait(false)
            : await client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<ResourceList<T>>(
                type.Group, type.Version, _namespace, type.Plural, continueParameter: continueToken,
                labelSelector: labelSelector, limit: limit, customHeaders: _listHeaders, cancellationToken: ct).ConfigureAwait(false);
        var list = response.Body;
        var items = list.Items ?? [];
        FillTypeMeta(items, list);
        var next = list.Metadata?.ContinueProperty;
        return new ResourcePage<T>(items, list.Metadata?.ResourceVersion ?? string.Empty, string.IsNullOrEmpty(next) ? null : next);
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(string resourceVersion, string? labelSelector, [EnumeratorCancellation] CancellationToken ct)
    {
        var timeout = MinWatchTimeout * (1 + Random.Shared.NextDouble());
        using var deadline = new CancellationTokenSource(timeout + WatchGrace, _time);
        using var watchCts = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);

        V1Status? serverError = null;
        Exception? streamError = null;

        // The watcher reports ERROR events (a Status object) through this callback, not as items.
        void OnError(Exception e)
        {
            if (e is KubernetesException { Status: { } status })
            {
                serverError ??= status;
            }
            else
            {
                streamError ??= e;
            }
        }

        var events = StartWatch(resourceVersion, labelSelector, (int)timeout.TotalSeconds, OnError, watchCts.Token);
        await using var enumerator = events.GetAsyncEnumerator(watchCts.Token);
        while (true)
        {
            try
            {
                if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }
            }
            catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Gone)
            {
                // Some servers refuse an expired resourceVersion up front instead of with an ERROR event.
                serverError = new V1Status { Code = (int)HttpStatusCode.Gone, Reason = "Expired", Message = "resourceVersion too old" };
                break;
            }

            if (serverError is not null || streamError is not null)
            {
                break;
            }

            var (eventType, raw) = enumerator.Current;
            yield return new WatchEvent<T>(eventType, Convert(raw), null);
        }

        if (serverError is not null)
        {
            yield return new WatchEvent<T>(WatchEventType.Error, default, serverError);
        }
        else if (streamError is not null)
        {
            throw new InvalidOperationException($"Watch of {type} failed: {streamError.Message}", streamError);
        }
    }

    // What KubernetesClient's WatchList*CustomObjectAsync do, plus the Accept header a metadata-only watch needs: those
    // take no headers, so the list-with-watch call and its WatchAsync extension (marked obsolete in favour of them) it is.
#pragma warning disable CS0618
    private IAsyncEnumerable<(WatchEventType, object)> StartWatch(
        string resourceVersion, string? labelSelector, int timeoutSeconds, Action<Exception> onError, CancellationToken ct) =>
        (_namespace is null
            ? client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync(
                type.Group, type.Version, type.Plural, allowWatchBookmarks: true, labelSelector: labelSelector,
                resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, watch: true, customHeaders: _watchHeaders, cancellationToken: ct)
            : client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync(
                type.Group, type.Version, _namespace, type.Plural, allowWatchBookmarks: true, labelSelector: labelSelector,
                resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, watch: true, customHeaders: _watchHeaders, cancellationToken: ct))
        .WatchAsync<object, object>(onError, ct);
#pragma warning restore CS0618

    private static T? Convert(object? raw) => raw switch
    {
        null => default,
        T typed => typed,
        JsonElement element => KubernetesJson.Deserialize<T>(element),
        _ => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(raw)),
    };

    // List items of built-in types come without apiVersion and kind; restore them from the list so that cached
    // objects look the same whether they came from a list or a watch.
    private static void FillTypeMeta(List<T> items, ResourceList<T> list)
    {
        var kind = list.Kind is { } k && k.EndsWith("List", StringComparison.Ordinal) ? k[..^"List".Length] : null;
        foreach (var item in items)
        {
            if (string.IsNullOrEmpty(item.Kind) && kind is not null)
            {
                item.Kind = kind;
            }

            if (string.IsNullOrEmpty(item.ApiVersion) && list.ApiVersion is not null)
            {
                item.ApiVersion = list.ApiVersion;
            }
        }
    }
}
