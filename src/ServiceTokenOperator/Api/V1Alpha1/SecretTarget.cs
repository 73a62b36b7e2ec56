using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>The Secret the token is written to.</summary>
public sealed class SecretTarget
{
    /// <summary>Secret name in the ServiceToken's namespace. Default: the ServiceToken's name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>Who owns the Secret: Owner (default; created with an ownerReference to the ServiceToken), Orphan (created without one) or Merge (not created: the token's keys are written into an existing Secret).</summary>
    [JsonPropertyName("creationPolicy")]
    public string? CreationPolicy { get; set; }

    /// <summary>Labels, annotations and key mapping of the Secret.</summary>
    [JsonPropertyName("template")]
    public SecretTemplate? Template { get; set; }
}
