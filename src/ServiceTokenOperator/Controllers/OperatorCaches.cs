using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Runtime;

namespace ServiceTokenOperator.Controllers;

/// <summary>The informer caches the reconcilers read from: every read of a reconcile is served here.</summary>
/// <param name="OtherSecrets">
/// Secrets not labelled as ours, their names only: before a vendor call, a name someone else holds is seen without a read.
/// </param>
/// <param name="Namespaces">Namespaces, for the namespaceSelector of ClusterTokenIssuer conditions (a handful of small objects per cluster).</param>
internal sealed record OperatorCaches(
    Informer<ServiceToken> ServiceTokens,
    Informer<TokenIssuer> TokenIssuers,
    Informer<ClusterTokenIssuer> ClusterTokenIssuers,
    Informer<V1Secret> Secrets,
    Informer<PartialObjectMetadata> OtherSecrets,
    Informer<V1Namespace>? Namespaces = null)
{
    public bool HasSynced => ServiceTokens.HasSynced && TokenIssuers.HasSynced && ClusterTokenIssuers.HasSynced && Secrets.HasSynced && OtherSecrets.HasSynced && Namespaces?.HasSynced != false;

    public bool IsRunning => ServiceTokens.IsRunning && TokenIssuers.IsRunning && ClusterTokenIssuers.IsRunning && Secrets.IsRunning && OtherSecrets.IsRunning && Namespaces?.IsRunning != false;

    /// <summary>The labels of a namespace; null when it is not in the cache.</summary>
    public IReadOnlyDictionary<string, string>? NamespaceLabels(string @namespace) =>
        Namespaces?.Get(new ObjectKey(null, @namespace)) is { } found ? (IReadOnlyDictionary<string, string>?)found.Metadata.Labels ?? new Dictionary<string, string>() : null;

    /// <summary>The issuer a ServiceToken refers to: a TokenIssuer of its own namespace, or a ClusterTokenIssuer.</summary>
    public ResolvedIssuer? ResolveIssuer(ServiceToken token)
    {
        var reference = token.Spec.IssuerRef;
        return (reference.Kind ?? TokenIssuer.KindName) switch
        {
            TokenIssuer.KindName => TokenIssuers.Get(new ObjectKey(token.Metadata.NamespaceProperty, reference.Name)) is { } issuer ? ResolvedIssuer.From(issuer) : null,
            ClusterTokenIssuer.KindName => ClusterTokenIssuers.Get(new ObjectKey(null, reference.Name)) is { } cluster ? ResolvedIssuer.From(cluster) : null,
            _ => null,
        };
    }

    /// <summary>The issuer recorded in status (<see cref="ResolvedIssuer.Key"/>), which may differ from spec after an issuerRef change.</summary>
    public ResolvedIssuer? ResolveIssuer(string? key) => IssuerUsage.Parse(key) switch
    {
        { Kind: TokenIssuer.KindName } k => TokenIssuers.Get(k.Object) is { } issuer ? ResolvedIssuer.From(issuer) : null,
        { Kind: ClusterTokenIssuer.KindName } k => ClusterTokenIssuers.Get(k.Object) is { } cluster ? ResolvedIssuer.From(cluster) : null,
        _ => null,
    };

    /// <summary>Index of <see cref="ServiceTokens"/> by the Secret each writes, "namespace/name" (see <see cref="IndexSecretTargets"/>).</summary>
    public const string SecretTargetIndex = "secret-target";

    /// <summary>Indexes the ServiceTokens by their Secret: every Secret event of a cluster asks, and a scan would be per token.</summary>
    public static void IndexSecretTargets(Informer<ServiceToken> tokens) =>
        tokens.AddIndex(SecretTargetIndex, t => new ObjectKey(t.Metadata.NamespaceProperty, t.Spec.Secret?.Name ?? t.Metadata.Name).ToString());

    /// <summary>The ServiceTokens whose Secret has this name (a Secret someone else created or deleted may unblock them).</summary>
    public IEnumerable<ServiceToken> TokensWritingTo(string? @namespace, string secretName) =>
        ServiceTokens.ByIndex(SecretTargetIndex, new ObjectKey(@namespace, secretName).ToString());

    /// <summary>Index of the ServiceTokens that need an issuer (<see cref="IssuerUsage.Needs"/>), by every issuer they need (<see cref="IssuerUsage.KeysOf"/>).</summary>
    public const string IssuersInUseIndex = "issuers-in-use";

    /// <summary>
    /// Indexes the ServiceTokens by the issuers they need (<see cref="IssuerInUse"/>): the usage reconciler asks on every
    /// ServiceToken change, and answering by a scan made a burst of issuances quadratic (at 1,000 tokens ≈ 0.4 KB
    /// allocated per cached token per issuance, and one worker scanning without pause).
    /// </summary>
    public static void IndexIssuerUsage(Informer<ServiceToken> tokens) =>
        tokens.AddMultiValueIndex(IssuersInUseIndex, t => IssuerUsage.Needs(t) ? [.. IssuerUsage.KeysOf(t).Select(k => k.ToString())] : []);

    /// <summary><see cref="IssuerUsage.InUse"/> over the cached ServiceTokens, from the index of <see cref="IndexIssuerUsage"/>.</summary>
    public bool IssuerInUse(IssuerKey issuer) => ServiceTokens.HasIndexed(IssuersInUseIndex, issuer.ToString());

    /// <summary>The ServiceTokens that refer to an issuer, to wake them when it becomes ready.</summary>
    public IEnumerable<ServiceToken> TokensOf(string kind, string? @namespace, string name) =>
        ServiceTokens.List(t => (t.Spec.IssuerRef.Kind ?? TokenIssuer.KindName) == kind && t.Spec.IssuerRef.Name == name
            && (kind == ClusterTokenIssuer.KindName || t.Metadata.NamespaceProperty == @namespace));
}
