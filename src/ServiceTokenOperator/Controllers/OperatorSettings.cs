using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.Controllers;

/// <summary>Facts the reconcilers share, resolved once at start-up.</summary>
/// <param name="ClusterId">Short id of this cluster in vendor-side token names.</param>
/// <param name="ClusterResourceNamespace">Where ClusterTokenIssuer credential Secrets live.</param>
/// <param name="OrphanSweepInterval">How often each issuer is swept for orphans; zero turns the sweep off.</param>
/// <param name="OrphanSafetyWindow">The age below which an unreferenced vendor token is never swept.</param>
internal sealed record OperatorSettings(
    string ClusterId,
    string ClusterResourceNamespace,
    TimeSpan MinRotationPeriod,
    SecretMac Mac,
    TimeSpan IssuerRecheckInterval,
    TimeSpan OrphanSweepInterval = default,
    TimeSpan OrphanSafetyWindow = default);
