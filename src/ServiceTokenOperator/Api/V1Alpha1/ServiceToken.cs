using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>A vendor service token that the operator issues, stores in a Secret, rotates and revokes.</summary>
public sealed class ServiceToken : IKubernetesObject<V1ObjectMeta>, ISpec<ServiceTokenSpec>, IStatus<ServiceTokenStatus?>
{
    public const string KindName = "ServiceToken";
    public const string Plural = "servicetokens";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ApiGroup.Version;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>What token to issue, from which issuer, where to store it and how to rotate it.</summary>
    [JsonPropertyName("spec")]
    public ServiceTokenSpec Spec { get; set; } = new();

    /// <summary>What the operator observed and did, written only by the operator.</summary>
    [JsonPropertyName("status")]
    public ServiceTokenStatus? Status { get; set; }
}
