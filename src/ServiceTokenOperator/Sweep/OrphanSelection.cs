using k8s.Models;
using ServiceTokenOperator.Api;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Providers;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.Sweep;

/// <summary>
/// Which vendor tokens the orphan sweep revokes (design.md §3 "No orphan"): a pure function of what was gathered,
/// so every rule is a table row in a unit test.
/// </summary>
internal static class OrphanSelection
{
    /// <summary>The tokens to revoke, in the vendor's order.</summary>
    public static IReadOnlyList<VendorToken> Select(OrphanSweepInputs inputs) =>
        inputs.VendorTokens.Where(t => Judge(t, inputs) == OrphanVerdict.Orphan).ToList();

    public static OrphanVerdict Judge(VendorToken token, OrphanSweepInputs inputs)
    {
        // Another cluster sharing the account, or a token a person made: never ours to revoke.
        if (token.Name is null || !token.Name.StartsWith(TokenNaming.ClusterPrefix(inputs.ClusterId), StringComparison.Ordinal))
            return OrphanVerdict.NotOurs;

        // Held by a Secret or recorded in status (current or awaiting its grace period): alive by design.
        if (inputs.ReferencedTokenIds.Contains(token.TokenId)) return OrphanVerdict.Referenced;

        // Created a moment ago: the Secret and status writes that will reference it may still be in flight.
        if (Age(token, inputs) < inputs.SafetyWindow) return OrphanVerdict.TooYoung;

        return OrphanVerdict.Orphan;
    }

    /// <summary>
    /// Age from the earlier of the vendor's creation time and our first sighting. A vendor that gives no creation time
    /// reports "now" (see AkkaProvider.ListAsync), so such a token ages only from the sweep that first listed it: it is
    /// revoked one sweep later at the earliest, never on first sight. A creation time in the future (vendor clock ahead)
    /// also falls back to the first sighting; a vendor clock behind ours makes tokens look older by the skew, which the
    /// safety window must exceed.
    /// </summary>
    public static TimeSpan Age(VendorToken token, OrphanSweepInputs inputs)
    {
        var born = inputs.FirstSeen.TryGetValue(token.TokenId, out var seen) && seen < token.CreatedAt ? seen : token.CreatedAt;
        return inputs.Now - born;
    }

    /// <summary>
    /// Every token id this cluster still references: any ServiceToken's tokenId and pendingRevocations (whatever its
    /// issuer: two issuers may share one vendor account), and the token-id annotation of every managed Secret, Secrets
    /// left behind by deletionPolicy Retain included.
    /// </summary>
    public static IReadOnlySet<string> Referenced(IEnumerable<ServiceToken> tokens, IEnumerable<V1Secret> managedSecrets)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in tokens)
        {
            if (token.Status?.TokenId is { } current) ids.Add(current);
            foreach (var pending in token.Status?.PendingRevocations ?? []) ids.Add(pending.TokenId);
        }

        foreach (var secret in managedSecrets)
        {
            if (secret.Metadata.Annotation(SecretLabels.TokenId) is { } held) ids.Add(held);
        }

        return ids;
    }
}
