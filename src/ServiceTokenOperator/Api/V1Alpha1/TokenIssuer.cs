using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>A vendor account in one namespace, used by the ServiceTokens of that namespace.</summary>
public sealed class TokenIssuer : IKubernetesObject<V1ObjectMeta>, ISpec<TokenIssuerSpec>, IStatus<TokenIssuerStatus?>
{
    public const string KindName = "TokenIssuer";
    public const string Plural = "tokenissuers";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ApiGroup.Version;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>The vendor account and where its admin credential is.</summary>
    [JsonPropertyName("spec")]
    public TokenIssuerSpec Spec { get; set; } = new();

    /// <summary>Whether the credential works against the vendor.</summary>
    [JsonPropertyName("status")]
    public TokenIssuerStatus? Status { get; set; }
}
