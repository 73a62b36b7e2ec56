using k8s;
using k8s.Models;

namespace ServiceTokenOperator.Runtime;

/// <summary>How an informer lists and watches one resource: a thin seam over the API client so tests can fake it.</summary>
internal interface IResourceSource<T> where T : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>One page of a consistent list; <see cref="ResourcePage{T}.Continue"/> is null on the last page.</summary>
    Task<ResourcePage<T>> ListAsync(string? labelSelector, string? continueToken, int limit, CancellationToken ct);

    /// <summary>
    /// Watches from <paramref name="resourceVersion"/> with bookmarks. A server-side ERROR event (e.g. 410 Gone) is
    /// yielded as a <see cref="WatchEventType.Error"/> event carrying the Status; the stream ends when the server closes it.
    /// </summary>
    IAsyncEnumerable<WatchEvent<T>> WatchAsync(string resourceVersion, string? labelSelector, CancellationToken ct);
}
