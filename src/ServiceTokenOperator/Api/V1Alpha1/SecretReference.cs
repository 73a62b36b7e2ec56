using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>Names a Secret.</summary>
public sealed class SecretReference
{
    /// <summary>Secret name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";
}
