using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>A cluster-wide vendor account: the fields of a TokenIssuer, plus which namespaces may use it.</summary>
public sealed class ClusterTokenIssuerSpec : TokenIssuerSpec
{
    /// <summary>
    /// Restricts the namespaces whose ServiceTokens may use this issuer, as External Secrets Operator's
    /// ClusterSecretStore conditions do: a namespace may use it when any condition matches it. Unset or empty: every namespace.
    /// </summary>
    [JsonPropertyName("conditions")]
    public List<ClusterIssuerCondition>? Conditions { get; set; }
}
