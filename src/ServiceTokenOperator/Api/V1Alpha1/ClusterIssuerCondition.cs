using System.Text.Json.Serialization;
using k8s.Models;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>One way a namespace qualifies to use a ClusterTokenIssuer: it matches when any of its fields matches.</summary>
public sealed class ClusterIssuerCondition
{
    /// <summary>Namespaces whose labels match this selector.</summary>
    [JsonPropertyName("namespaceSelector")]
    public V1LabelSelector? NamespaceSelector { get; set; }

    /// <summary>Namespaces by name.</summary>
    [JsonPropertyName("namespaces")]
    public List<string>? Namespaces { get; set; }

    /// <summary>Namespaces whose whole name matches one of these regular expressions (.NET syntax, anchored at both ends).</summary>
    [JsonPropertyName("namespaceRegexes")]
    public List<string>? NamespaceRegexes { get; set; }
}
