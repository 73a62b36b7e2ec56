using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using ServiceTokenOperator.Api;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Providers;
using ServiceTokenOperator.Runtime;
using ServiceTokenOperator.Sweep;

namespace ServiceTokenOperator.Controllers;

/// <summary>
/// Reconciles TokenIssuers and ClusterTokenIssuers: checks the admin credential against the vendor and reports
/// Ready with a reason a person can act on. Re-checks periodically, writing status only when the result changes.
/// A ready issuer is also swept for orphaned tokens of this cluster every <see cref="OperatorSettings.OrphanSweepInterval"/>:
/// the due time comes from status (lastOrphanSweep), so it survives restarts, and the reconcile's requeue is the only timer.
/// </summary>
internal sealed class IssuerReconciler(
    OperatorCaches caches,
    StatusWriter writer,
    ProviderCache providers,
    VendorRegistry vendors,
    OperatorSettings settings,
    OrphanSweeper sweeper,
    TimeProvider time,
    ILogger<IssuerReconciler> logger)
{
    public static readonly ResourceType TokenIssuers = new(ApiGroup.Group, ApiGroup.VersionName, TokenIssuer.Plural, Namespaced: true);
    public static readonly ResourceType ClusterTokenIssuers = new(ApiGroup.Group, ApiGroup.VersionName, ClusterTokenIssuer.Plural, Namespaced: false);

    /// <summary>Raised when an issuer's readiness changed, so its ServiceTokens are reconciled again.</summary>
    private readonly ConcurrentDictionary<IssuerKey, bool> _recheck = new();

    public event Action<ResolvedIssuer>? ReadinessChanged;

    public async Task<ReconcileResult> ReconcileAsync(IssuerKey key, CancellationToken cancellationToken)
    {
        var (issuer, write) = key.Kind == TokenIssuer.KindName
            ? caches.TokenIssuers.Get(key.Object) is { } namespaced
                ? (ResolvedIssuer.From(namespaced), (Func<TokenIssuerStatus, CancellationToken, Task<bool>>)((s, ct) => WriteAsync(TokenIssuers, namespaced,
                    new TokenIssuer { ApiVersion = namespaced.ApiVersion, Kind = namespaced.Kind, Metadata = namespaced.Metadata, Spec = namespaced.Spec, Status = s }, ct)))
                : (null, null)
            : caches.ClusterTokenIssuers.Get(key.Object) is { } cluster
                ? (ResolvedIssuer.From(cluster), (s, ct) => WriteAsync(ClusterTokenIssuers, cluster,
                    new ClusterTokenIssuer { ApiVersion = cluster.ApiVersion, Kind = cluster.Kind, Metadata = cluster.Metadata, Spec = cluster.Spec, Status = s }, ct))
                : (null, null);
        if (issuer is null || write is null)
        {
            // Deleted: drop its connection.
            providers.Evict(key.ToString());
            sweeper.Forget(key.ToString());
            return ReconcileResult.Done;
        }

        var now = time.GetUtcNow();
        var status = StatusCopies.Copy(issuer.Status);
        var before = Conditions.Find(status.Conditions, ConditionTypes.Ready);
        // A credential checked recently for this generation is not checked again: a restart or a new leader costs the
        // vendor nothing. A token call the vendor rejected asks for a re-check at once.
        var forced = _recheck.TryRemove(key, out _);
        var fresh = !forced && before?.Status == "True" && status.ObservedGeneration == issuer.Generation
            && ServiceTokenDecision.Utc(status.LastCheckedAt) is { } checkedAt && checkedAt + settings.IssuerRecheckInterval > now;
        var (ready, reason, message, retry) = fresh ? (true, before!.Reason, before.Message, false) : await CheckAsync(issuer, cancellationToken);
        status.ObservedGeneration = issuer.Generation;
        status.Vendor = issuer.Vendor;
        status.Conditions = Conditions.Set(status.Conditions, ConditionTypes.Ready, ready, reason, message, issuer.Generation, now);
        var changed = before?.Status != (ready ? "True" : "False") || before.Reason != reason || before.Message != message;
        if (!fresh) status.LastCheckedAt = now.UtcDateTime;
        var sweepFailure = ready ? await SweepIfDueAsync(issuer, status, now, cancellationToken) : null;
        if (await write(status, cancellationToken) && changed)
        {
            Log.IssuerChecked(logger, issuer.Key, ready, reason, message);
            ReadinessChanged?.Invoke(issuer);
        }

        if (retry) return ReconcileResult.Failed();
        // A failed sweep backs off like any failure; the credential check result above is written regardless.
        if (sweepFailure is not null) return ReconcileResult.Failed(sweepFailure.RetryAfter);
        return ReconcileResult.RequeueAfter(NextWake(status, now));
    }

    /// <summary>Sweeps when due, recording the time and count in <paramref name="status"/>; a vendor failure is returned, not thrown.</summary>
    private async Task<VendorException?> SweepIfDueAsync(ResolvedIssuer issuer, TokenIssuerStatus status, DateTimeOffset now, CancellationToken ct)
    {
        if (SweepDue(status, now) is not { } due || due > now) return null;
        try
        {
            var provider = await providers.GetAsync(issuer, refresh: false, ct);
            var revoked = await sweeper.SweepAsync(issuer.Key, provider, ct);
            status.LastOrphanSweep = time.GetUtcNow().UtcDateTime;
            status.OrphansRevoked = (status.OrphansRevoked ?? 0) + revoked;
            return null;
        }
        catch (VendorException e)
        {
            Sweep.Log.SweepFailed(logger, issuer.Key, e.Kind.ToString(), e.Message);
            return e;
        }
    }

    /// <summary>When the next sweep is due; null when sweeping is off.</summary>
    private DateTimeOffset? SweepDue(TokenIssuerStatus status, DateTimeOffset now)
    {
        if (settings.OrphanSweepInterval <= TimeSpan.Zero) return null;
        return ServiceTokenDecision.Utc(status.LastOrphanSweep) is { } last ? last + settings.OrphanSweepInterval : now;
    }

    /// <summary>Checks the credential on the next pass even if it was checked recently.</summary>
    public void RequestRecheck(IssuerKey key) => _recheck[key] = true;

    /// <summary>The credential re-check or the next sweep, whichever comes first; never sooner than a second.</summary>
    private TimeSpan NextWake(TokenIssuerStatus status, DateTimeOffset now)
    {
        var wake = ServiceTokenDecision.Utc(status.LastCheckedAt) is { } checkedAt
            ? checkedAt + settings.IssuerRecheckInterval - now
            : settings.IssuerRecheckInterval;
        if (SweepDue(status, now) is { } due && due - now < wake) wake = due - now;
        return wake < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wake;
    }

    private async Task<(bool Ready, string Reason, string Message, bool Retry)> CheckAsync(ResolvedIssuer issuer, CancellationToken ct)
    {
        var blocks = Vendors.BlocksOf(issuer.Spec);
        if (blocks.Count != 1)
            return (false, Reasons.InvalidIssuer, $"spec: exactly one of {string.Join(", ", vendors.Names.Order(StringComparer.Ordinal))} must be set, found {(blocks.Count == 0 ? "none" : string.Join(" and ", blocks))}", true);
        try
        {
            var provider = await providers.GetAsync(issuer, refresh: true, ct);
            await provider.CheckCredentialAsync(ct);
            return (true, Reasons.CredentialValid, $"the credential in Secret \"{issuer.Spec.CredentialsSecretRef.Name}\" can manage {issuer.Vendor} tokens", false);
        }
        catch (IssuerConfigException e)
        {
            return (false, e.Reason, e.Message, true);
        }
        catch (VendorException e)
        {
            var reason = e.Kind switch
            {
                VendorErrorKind.CredentialRejected => Reasons.CredentialRejected,
                VendorErrorKind.PermissionDenied => Reasons.PermissionDenied,
                VendorErrorKind.RateLimited => Reasons.RateLimited,
                VendorErrorKind.InvalidRequest => Reasons.InvalidIssuer,
                _ => Reasons.VendorUnavailable,
            };
            return (false, reason, e.Message, true);
        }
    }

    /// <param name="updated">The cached issuer's new status on a shallow copy: the cached object itself stays unchanged.</param>
    private async Task<bool> WriteAsync<T>(ResourceType type, T cached, T updated, CancellationToken ct)
        where T : class, IKubernetesObject<V1ObjectMeta>, IStatus<TokenIssuerStatus?>
    {
        if (StatusCopies.Same(updated.Status, cached.Status)) return true;
        var result = await writer.ReplaceStatusAsync(type, updated, ct);
        return result.Outcome == WriteOutcome.Written;
    }
}
