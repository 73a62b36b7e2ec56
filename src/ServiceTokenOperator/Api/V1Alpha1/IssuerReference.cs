using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>Names the issuer of a ServiceToken.</summary>
public sealed class IssuerReference
{
    /// <summary>TokenIssuer (default, same namespace as the ServiceToken) or ClusterTokenIssuer.</summary>
    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    /// <summary>Name of the issuer.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";
}
