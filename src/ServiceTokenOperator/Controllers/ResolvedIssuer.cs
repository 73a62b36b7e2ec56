using ServiceTokenOperator.Api.V1Alpha1;

namespace ServiceTokenOperator.Controllers;

/// <summary>The issuer a ServiceToken refers to, as found in the cache, whichever of the two kinds it is.</summary>
/// <param name="Namespace">Null for a ClusterTokenIssuer.</param>
/// <param name="Vendor">The one vendor block set, or null when the spec has none or several.</param>
internal sealed record ResolvedIssuer(string Kind, string Name, string? Namespace, string Uid, long Generation, TokenIssuerSpec Spec, string? Vendor, TokenIssuerStatus? Status)
{
    /// <summary>Kind/name or Kind/namespace/name: the issuer's identity in caches, status and logs.</summary>
    public string Key => Namespace is null ? $"{Kind}/{Name}" : $"{Kind}/{Namespace}/{Name}";

    /// <summary>"TokenIssuer \"x\"" for messages.</summary>
    public string Display => $"{Kind} \"{Name}\"";

    public bool Ready => Conditions.IsTrue(Status?.Conditions, ConditionTypes.Ready) && Status?.ObservedGeneration == Generation;

    public static ResolvedIssuer From(TokenIssuer issuer) => new(
        TokenIssuer.KindName, issuer.Metadata.Name, issuer.Metadata.NamespaceProperty, issuer.Metadata.Uid,
        issuer.Metadata.Generation ?? 0, issuer.Spec, VendorOf(issuer.Spec), issuer.Status);

    public static ResolvedIssuer From(ClusterTokenIssuer issuer) => new(
        ClusterTokenIssuer.KindName, issuer.Metadata.Name, null, issuer.Metadata.Uid,
        issuer.Metadata.Generation ?? 0, issuer.Spec, VendorOf(issuer.Spec), issuer.Status);

    private static string? VendorOf(TokenIssuerSpec spec) => Vendors.BlocksOf(spec) is [var only] ? only : null;
}
