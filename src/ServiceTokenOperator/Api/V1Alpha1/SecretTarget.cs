using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>The Secret the token is written to.</summary>
public sealed class SecretTarget
{
    /// <summary>Secret name in the ServiceToken's namespace. Default: the ServiceToken's name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>Who owns the Secret: Owner (default; created with an ownerReference to the ServiceToken, so it goes with it) or Orphan (created without one, so it stays).</summary>
    [JsonPropertyName("creationPolicy")]
    public string? CreationPolicy { get; set; }

    /// <summary>Labels, annotations and key mapping of the Secret.</summary>
    [JsonPropertyName("template")]
    public SecretTemplate? Template { get; set; }
}
