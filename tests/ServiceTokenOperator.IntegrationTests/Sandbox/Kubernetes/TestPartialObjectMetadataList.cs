using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace ServiceTokenOperator.IntegrationTests.Sandbox.Kubernetes;

/// <summary>meta.k8s.io/v1 PartialObjectMetadataList (no KubernetesClient 21 model either).</summary>
internal sealed class TestPartialObjectMetadataList : IKubernetesObject<V1ListMeta>, IItems<TestPartialObjectMetadata>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = string.Empty;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<TestPartialObjectMetadata> Items { get; set; } = [];
}
