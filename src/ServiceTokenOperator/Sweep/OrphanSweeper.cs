using System.Collections.Concurrent;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Providers;

namespace ServiceTokenOperator.Sweep;

/// <summary>
/// Sweeps one issuer's vendor account: list, gather references from the caches, select (<see cref="OrphanSelection"/>),
/// revoke. Called from the issuer reconcile, so only the leader sweeps and the work queue paces it. Remembers when it
/// first saw each token, for vendors whose list gives no creation time; a new process starts that memory afresh,
/// which only delays a sweep.
/// </summary>
internal sealed class OrphanSweeper(OperatorCaches caches, OperatorSettings settings, TimeProvider time, ILogger<OrphanSweeper> logger)
{
    private readonly ConcurrentDictionary<string, Dictionary<string, DateTimeOffset>> _firstSeen = new(StringComparer.Ordinal);

    /// <summary>Revokes the orphans of this cluster in the issuer's account; returns how many. Vendor failures throw.</summary>
    public async Task<int> SweepAsync(string issuerKey, ITokenProvider provider, CancellationToken cancellationToken)
    {
        var listed = new List<VendorToken>();
        await foreach (var token in provider.ListAsync(cancellationToken)) listed.Add(token);

        // References are read after the list: a token listed before its Secret existed is then either referenced or young.
        var referenced = OrphanSelection.Referenced(caches.ServiceTokens.List(), caches.Secrets.List());
        var now = time.GetUtcNow();
        var firstSeen = Remember(issuerKey, listed, now);
        var inputs = new OrphanSweepInputs(settings.ClusterId, listed, referenced, firstSeen, now, settings.OrphanSafetyWindow);

        var revoked = 0;
        foreach (var orphan in OrphanSelection.Select(inputs))
        {
            await provider.RevokeAsync(orphan.TokenId, cancellationToken);
            revoked++;
            Log.OrphanRevoked(logger, issuerKey, orphan.TokenId, orphan.Name);
        }

        var ours = listed.Count(t => OrphanSelection.Judge(t, inputs) != OrphanVerdict.NotOurs);
        Log.Swept(logger, issuerKey, listed.Count, ours, revoked);
        return revoked;
    }

    /// <summary>Forgets an issuer that is gone.</summary>
    public void Forget(string issuerKey) => _firstSeen.TryRemove(issuerKey, out _);

    private Dictionary<string, DateTimeOffset> Remember(string issuerKey, List<VendorToken> listed, DateTimeOffset now)
    {
        var previous = _firstSeen.GetValueOrDefault(issuerKey) ?? [];
        // Only tokens still listed are kept, so the memory stays the size of the account.
        var current = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var token in listed) current.TryAdd(token.TokenId, previous.TryGetValue(token.TokenId, out var seen) ? seen : now);
        _firstSeen[issuerKey] = current;
        return current;
    }
}
