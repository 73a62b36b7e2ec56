using k8s;
using k8s.Models;

namespace ServiceTokenOperator.Runtime;

/// <summary>Stock <see cref="InformerOptions.Transform"/> functions.</summary>
internal static class InformerTransforms
{
    /// <summary>
    /// Drops <c>metadata.managedFields</c>, as controller-runtime's <c>cache.TransformStripManagedFields()</c> does.
    /// No reconciler reads them, yet with their FieldsV1 documents they were the largest part of a cached object
    /// (≈ 5.6 KB of ≈ 20 KB per ServiceToken with its Secret, issue 9). Setting them to null, not to an empty list,
    /// matters: an update that leaves managedFields out keeps the server's, one that sends [] clears them.
    /// </summary>
    public static void StripManagedFields(IKubernetesObject<V1ObjectMeta> obj)
    {
        if (obj.Metadata is { } metadata)
        {
            metadata.ManagedFields = null;
        }
    }

    /// <summary>
    /// Keeps only what says an object exists: name, namespace and resourceVersion (which the informer itself needs).
    /// For caches that answer "is this name taken?" — Secrets that are not ours, of which a cluster may hold tens of
    /// thousands with large labels and annotations (Helm release Secrets).
    /// </summary>
    public static void KeepIdentity(IKubernetesObject<V1ObjectMeta> obj)
    {
        if (obj.Metadata is { } metadata)
        {
            obj.Metadata = new V1ObjectMeta { Name = metadata.Name, NamespaceProperty = metadata.NamespaceProperty, ResourceVersion = metadata.ResourceVersion };
        }
    }
}
