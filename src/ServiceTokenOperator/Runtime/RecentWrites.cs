using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace ServiceTokenOperator.Runtime;

/// <summary>
/// Objects this process just wrote, until the informer cache has caught up with them. Without it a reconcile that
/// runs again before the watch event arrives would see the state from before its own write, and issue a second
/// token. An entry applies only while the cache still shows the version it was written over; once the cache moves
/// on (to our write or anything later), the cache wins.
/// </summary>
internal sealed class RecentWrites<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ConcurrentDictionary<ObjectKey, (HashSet<string?> Older, T? Written)> _writes = new();

    /// <summary>
    /// Records that <paramref name="written"/> (null: deleted, or no longer in the cache's selection) replaced the
    /// version <paramref name="basedOn"/> as the cache knows it (null: the cache had no such object). A write over
    /// our own earlier write the cache has not shown yet keeps that one's older versions too: the cache may still be
    /// at any of them.
    /// </summary>
    public void Record(ObjectKey key, string? basedOn, T? written) =>
        _writes.AddOrUpdate(key,
            _ => ([basedOn], written),
            (_, earlier) => ([.. earlier.Older, earlier.Written?.Metadata.ResourceVersion, basedOn], written));

    /// <summary>The freshest view of an object: our own write while the cache lags, else the cached object.</summary>
    public T? Resolve(ObjectKey key, T? cached)
    {
        if (!_writes.TryGetValue(key, out var write)) return cached;
        if (write.Older.Contains(cached?.Metadata.ResourceVersion)) return write.Written;
        _writes.TryRemove(key, out _);
        return cached;
    }

    public void Forget(ObjectKey key) => _writes.TryRemove(key, out _);
}
