using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>The desired token.</summary>
public sealed class ServiceTokenSpec
{
    /// <summary>The TokenIssuer (same namespace) or ClusterTokenIssuer that holds the vendor account.</summary>
    [JsonPropertyName("issuerRef")]
    public IssuerReference IssuerRef { get; set; } = new();

    /// <summary>Request details for a PlanetScale issuer: database accesses and vendor-side expiry.</summary>
    [JsonPropertyName("planetscale")]
    public PlanetScaleTokenRequest? PlanetScale { get; set; }

    /// <summary>Request details for an Akka issuer: the token scopes.</summary>
    [JsonPropertyName("akka")]
    public AkkaTokenRequest? Akka { get; set; }

    /// <summary>The Kubernetes Secret that receives the token.</summary>
    [JsonPropertyName("secret")]
    public SecretTarget? Secret { get; set; }

    /// <summary>When to rotate the token and how long the old one stays valid.</summary>
    [JsonPropertyName("rotation")]
    public RotationSpec? Rotation { get; set; }

    /// <summary>What happens to the vendor tokens when the ServiceToken is deleted: Revoke (default) or Retain.</summary>
    [JsonPropertyName("deletionPolicy")]
    public string? DeletionPolicy { get; set; }
}
