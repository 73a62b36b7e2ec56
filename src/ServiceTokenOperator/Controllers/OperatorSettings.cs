using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.Controllers;

/// <summary>Facts the reconcilers share, resolved once at start-up.</summary>
/// <param name="ClusterId">Short id of this cluster in vendor-side token names.</param>
/// <param name="ClusterResourceNamespace">Where ClusterTokenIssuer credential Secrets live.</param>
internal sealed record OperatorSettings(string ClusterId, string ClusterResourceNamespace, TimeSpan MinRotationPeriod, SecretMac Mac, TimeSpan IssuerRecheckInterval);
