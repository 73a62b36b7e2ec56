using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>A Kubernetes label selector: every matchLabels pair and every matchExpressions requirement must hold; an empty selector matches everything.</summary>
public sealed class LabelSelector
{
    /// <summary>Labels that must be present with exactly these values.</summary>
    [JsonPropertyName("matchLabels")]
    public Dictionary<string, string>? MatchLabels { get; set; }

    /// <summary>Set-based requirements.</summary>
    [JsonPropertyName("matchExpressions")]
    public List<LabelSelectorRequirement>? MatchExpressions { get; set; }
}
