using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Providers;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.Controllers;

/// <summary>Everything one ServiceToken decision needs, gathered from the caches first so the decision is a pure function.</summary>
/// <param name="Issuer">Null when the referenced issuer does not exist.</param>
/// <param name="Vendor">The issuer's vendor, when the operator knows it.</param>
/// <param name="Secret">The target Secret, if the operator manages one of that name (unmanaged Secrets are not cached).</param>
/// <param name="RotationSlot">When a due rotation may happen, as paced per issuer (<see cref="Rotation.RotationPacer"/>); null when none is due.</param>
/// <param name="NamespaceLabels">The labels of the ServiceToken's namespace, for ClusterTokenIssuer conditions; null when the namespace is not in the cache.</param>
internal sealed record ServiceTokenInputs(
    ServiceToken Token,
    ResolvedIssuer? Issuer,
    ITokenVendor? Vendor,
    V1Secret? Secret,
    DateTimeOffset Now,
    TimeSpan MinRotationPeriod,
    SecretMac Mac,
    DateTimeOffset? RotationSlot = null,
    IReadOnlyDictionary<string, string>? NamespaceLabels = null);
