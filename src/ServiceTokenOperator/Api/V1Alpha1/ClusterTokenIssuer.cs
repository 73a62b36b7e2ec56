using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>A vendor account usable by ServiceTokens of any namespace; its credential Secret lives in the operator's cluster-resource namespace.</summary>
public sealed class ClusterTokenIssuer : IKubernetesObject<V1ObjectMeta>, ISpec<ClusterTokenIssuerSpec>, IStatus<TokenIssuerStatus?>
{
    public const string KindName = "ClusterTokenIssuer";
    public const string Plural = "clustertokenissuers";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ApiGroup.Version;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>The vendor account, where its admin credential is, and which namespaces may use it.</summary>
    [JsonPropertyName("spec")]
    public ClusterTokenIssuerSpec Spec { get; set; } = new();

    /// <summary>Whether the credential works against the vendor.</summary>
    [JsonPropertyName("status")]
    public TokenIssuerStatus? Status { get; set; }
}
