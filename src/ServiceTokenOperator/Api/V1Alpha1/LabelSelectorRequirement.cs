using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>One set-based requirement of a label selector.</summary>
public sealed class LabelSelectorRequirement
{
    /// <summary>The label key.</summary>
    [JsonPropertyName("key")]
    public string Key { get; set; } = "";

    /// <summary>In, NotIn, Exists or DoesNotExist.</summary>
    [JsonPropertyName("operator")]
    public string Operator { get; set; } = "";

    /// <summary>Values for In and NotIn; empty for Exists and DoesNotExist.</summary>
    [JsonPropertyName("values")]
    public List<string>? Values { get; set; }
}
