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
    private readonly ConcurrentDictionary<ObjectKey, (string? BasedOn, T? Written)> _writes = new();

    /// <summary>Records that <paramref name="written"/> (null: deleted) replaced the version <paramref name="basedOn"/> (null: created).</summary>
    public void Record(ObjectKey key, string? basedOn, T? written) => _writes[key] = (basedOn, written);

    /// <summary>The freshest view of an object: our own write while the cache lags, else the cached object.</summary>
    public T? Resolve(ObjectKey key, T? cached)
    {
        if (!_writes.TryGetValue(key, out var write)) return cached;
        if (cached?.Metadata.ResourceVersion == write.BasedOn) return write.Written;
        _writes.TryRemove(key, out _);
        return cached;
    }

    public void Forget(ObjectKey key) => _writes.TryRemove(key, out _);
}
