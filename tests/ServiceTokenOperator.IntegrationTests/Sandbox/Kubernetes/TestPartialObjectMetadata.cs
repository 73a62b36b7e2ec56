using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace ServiceTokenOperator.IntegrationTests.Sandbox.Kubernetes;

/// <summary>meta.k8s.io/v1 PartialObjectMetadata: KubernetesClient 21 has no model for it, so callers bring their own.</summary>
internal sealed class TestPartialObjectMetadata : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = string.Empty;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();
}
