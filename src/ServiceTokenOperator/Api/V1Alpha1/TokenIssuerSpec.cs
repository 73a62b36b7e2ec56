using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>One vendor account: exactly one vendor block, and the Secret holding its admin credential. Not sealed: <see cref="ClusterTokenIssuerSpec"/> adds the namespace conditions.</summary>
public class TokenIssuerSpec
{
    /// <summary>A PlanetScale organization.</summary>
    [JsonPropertyName("planetscale")]
    public PlanetScaleIssuer? PlanetScale { get; set; }

    /// <summary>An Upsun machine user.</summary>
    [JsonPropertyName("upsun")]
    public UpsunIssuer? Upsun { get; set; }

    /// <summary>A Platform.sh machine user.</summary>
    [JsonPropertyName("platformsh")]
    public UpsunIssuer? Platformsh { get; set; }

    /// <summary>An Akka project.</summary>
    [JsonPropertyName("akka")]
    public AkkaIssuer? Akka { get; set; }

    /// <summary>The Secret with the admin credential: in the issuer's namespace for a TokenIssuer, in the operator's cluster-resource namespace for a ClusterTokenIssuer.</summary>
    [JsonPropertyName("credentialsSecretRef")]
    public SecretReference CredentialsSecretRef { get; set; } = new();
}
