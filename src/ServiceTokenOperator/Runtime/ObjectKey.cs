using k8s;
using k8s.Models;

namespace ServiceTokenOperator.Runtime;

/// <summary>Identifies one object. <see cref="Namespace"/> is null for cluster-scoped objects.</summary>
internal readonly record struct ObjectKey(string? Namespace, string Name)
{
    public static ObjectKey Of(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var ns = obj.Metadata?.NamespaceProperty;
        return new ObjectKey(string.IsNullOrEmpty(ns) ? null : ns, obj.Metadata?.Name ?? string.Empty);
    }

    public override string ToString() => Namespace is null ? Name : $"{Namespace}/{Name}";
}
