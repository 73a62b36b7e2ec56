using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace ServiceTokenOperator.Runtime;

/// <summary>
/// meta.k8s.io/v1 PartialObjectMetadata: any object reduced to its metadata, as the API server returns it to a list or
/// watch that asks for <see cref="ListAccept"/> / <see cref="WatchAccept"/> (client-go's metadata informer,
/// controller-runtime's <c>OnlyMetadata</c>). KubernetesClient has no model for it.
/// </summary>
internal sealed class PartialObjectMetadata : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Asked of a list; the plain JSON fallback lets a server without metadata-only support answer anyway.</summary>
    public static readonly IReadOnlyList<string> ListAccept = ["application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1", "application/json"];

    /// <summary>Asked of a watch: each event's object comes as PartialObjectMetadata.</summary>
    public static readonly IReadOnlyList<string> WatchAccept = ["application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1", "application/json"];

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "meta.k8s.io/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "PartialObjectMetadata";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();
}
