using k8s;
using k8s.Models;

namespace ServiceTokenOperator.Runtime;

/// <summary>Which informer events deserve a reconcile, as controller-runtime's predicates decide.</summary>
internal static class ChangePredicates
{
    /// <summary>
    /// False only for an update that changed nothing but status (and resourceVersion/managedFields): the reconciler
    /// wrote that status itself, and re-queueing on it would bypass the work queue's backoff and Retry-After — one
    /// vendor call per status write during an outage. Generation, labels, annotations, finalizers and deletion count.
    /// </summary>
    public static bool SpecOrMetadataChanged<T>(InformerEvent<T> e)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (e.Type != WatchEventType.Modified || e.OldObject is null || e.NewObject is null) return true;
        var (old, current) = (e.OldObject.Metadata, e.NewObject.Metadata);
        return old.Generation != current.Generation
            || old.DeletionTimestamp != current.DeletionTimestamp
            || !SameMap(old.Labels, current.Labels)
            || !SameMap(old.Annotations, current.Annotations)
            || !(old.Finalizers ?? []).SequenceEqual(current.Finalizers ?? []);
    }

    /// <summary>Two label or annotation maps hold the same pairs (null and empty are the same).</summary>
    public static bool SameMap(IDictionary<string, string>? a, IDictionary<string, string>? b)
    {
        if ((a?.Count ?? 0) != (b?.Count ?? 0)) return false;
        if (a is null || b is null) return true;
        return a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value);
    }
}
