using k8s.Models;

namespace ServiceTokenOperator.Api;

/// <summary>Reading labels and annotations, which KubernetesClient models as nullable IDictionary.</summary>
internal static class MetadataExtensions
{
    public static string? Annotation(this V1ObjectMeta metadata, string key) =>
        metadata.Annotations is { } a && a.TryGetValue(key, out var value) ? value : null;

    public static string? Label(this V1ObjectMeta metadata, string key) =>
        metadata.Labels is { } l && l.TryGetValue(key, out var value) ? value : null;
}
