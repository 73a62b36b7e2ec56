using System.Text.Json.Serialization;
using k8s.Models;

namespace ServiceTokenOperator.Runtime;

/// <summary>The wire shape of any list response (<c>kind: XList</c>), for resources without a generated list type.</summary>
internal sealed class ResourceList<T>
{
    [JsonPropertyName("apiVersion")]
    public string? ApiVersion { get; set; }

    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    [JsonPropertyName("metadata")]
    public V1ListMeta? Metadata { get; set; }

    [JsonPropertyName("items")]
    public List<T>? Items { get; set; }
}
