using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>Shapes the Secret: extra metadata and custom keys.</summary>
public sealed class SecretTemplate
{
    /// <summary>Labels added to the Secret.</summary>
    [JsonPropertyName("labels")]
    public Dictionary<string, string>? Labels { get; set; }

    /// <summary>Annotations added to the Secret.</summary>
    [JsonPropertyName("annotations")]
    public Dictionary<string, string>? Annotations { get; set; }

    /// <summary>Secret keys and their values; values may reference {{ .token }}, {{ .tokenId }} and the vendor variables such as {{ .PLANETSCALE_ORG }}. When set, replaces the default keys.</summary>
    [JsonPropertyName("data")]
    public Dictionary<string, string>? Data { get; set; }
}
