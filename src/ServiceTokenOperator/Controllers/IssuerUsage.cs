using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Runtime;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.Controllers;

/// <summary>
/// Which issuers ServiceTokens still need (design.md §3 "Revocation cannot get stuck on a vanished credential"):
/// pure functions of the cached ServiceTokens.
/// </summary>
internal static class IssuerUsage
{
    /// <summary>
    /// The issuers a ServiceToken may still call: the one its spec names, the one its status recorded, and the ones
    /// its pending revocations name (after an issuerRef change the new token's issuer is recorded while the old token,
    /// awaiting revocation, still needs the old issuer).
    /// </summary>
    public static IEnumerable<IssuerKey> KeysOf(ServiceToken token)
    {
        var ns = token.Metadata.NamespaceProperty;
        var kind = token.Spec.IssuerRef.Kind ?? TokenIssuer.KindName;
        if (!string.IsNullOrEmpty(token.Spec.IssuerRef.Name))
            yield return new IssuerKey(kind, new ObjectKey(kind == ClusterTokenIssuer.KindName ? null : ns, token.Spec.IssuerRef.Name));
        if (Parse(token.Status?.Issuer) is { } recorded) yield return recorded;
        foreach (var pending in token.Status?.PendingRevocations ?? [])
        {
            if (Parse(pending.Issuer) is { } revoking) yield return revoking;
        }
    }

    /// <summary>
    /// A ServiceToken needs its issuers while it carries the revoke finalizer (it may hold a token, or be creating one
    /// before status records it) or while status still lists tokens to revoke.
    /// </summary>
    public static bool Needs(ServiceToken token) =>
        token.Metadata.Finalizers?.Contains(SecretLabels.Finalizer) == true
        || token.Status?.TokenId is not null
        || token.Status?.PendingRevocations is { Count: > 0 };

    /// <summary>
    /// Whether a change can change which issuers are in use: a token came or went, started or stopped needing its
    /// issuers, or needs others (<see cref="KeysOf"/>).
    /// </summary>
    public static bool UsageChanged(ServiceToken? old, ServiceToken? current) =>
        old is null || current is null || Needs(old) != Needs(current) || !KeysOf(old).SequenceEqual(KeysOf(current));

    /// <summary>
    /// Whether any of <paramref name="tokens"/> needs <paramref name="issuer"/>: the definition. The operator asks
    /// <see cref="OperatorCaches.IssuerInUse"/>, which answers the same from indexes instead of a scan.
    /// </summary>
    public static bool InUse(IssuerKey issuer, IEnumerable<ServiceToken> tokens) =>
        tokens.Any(t => Needs(t) && KeysOf(t).Contains(issuer));

    /// <summary>Reads <see cref="ResolvedIssuer.Key"/> back: Kind/name or Kind/namespace/name.</summary>
    public static IssuerKey? Parse(string? key)
    {
        var parts = key?.Split('/');
        return parts switch
        {
            [ClusterTokenIssuer.KindName, var name] => new IssuerKey(ClusterTokenIssuer.KindName, new ObjectKey(null, name)),
            [TokenIssuer.KindName, var ns, var name] => new IssuerKey(TokenIssuer.KindName, new ObjectKey(ns, name)),
            _ => null,
        };
    }
}
