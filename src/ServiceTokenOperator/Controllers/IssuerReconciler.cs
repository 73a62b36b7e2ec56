using System.Text.Json;
using k8s;
using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Providers;
using ServiceTokenOperator.Runtime;

namespace ServiceTokenOperator.Controllers;

/// <summary>
/// Reconciles TokenIssuers and ClusterTokenIssuers: checks the admin credential against the vendor and reports
/// Ready with a reason a person can act on. Re-checks periodically, writing status only when the result changes.
/// </summary>
internal sealed class IssuerReconciler(
    OperatorCaches caches,
    StatusWriter writer,
    ProviderCache providers,
    VendorRegistry vendors,
    OperatorSettings settings,
    TimeProvider time,
    ILogger<IssuerReconciler> logger)
{
    public static readonly ResourceType TokenIssuers = new(ApiGroup.Group, ApiGroup.VersionName, TokenIssuer.Plural, Namespaced: true);
    public static readonly ResourceType ClusterTokenIssuers = new(ApiGroup.Group, ApiGroup.VersionName, ClusterTokenIssuer.Plural, Namespaced: false);

    /// <summary>Raised when an issuer's readiness changed, so its ServiceTokens are reconciled again.</summary>
    public event Action<ResolvedIssuer>? ReadinessChanged;

    public async Task<ReconcileResult> ReconcileAsync(IssuerKey key, CancellationToken cancellationToken)
    {
        var (issuer, write) = key.Kind == TokenIssuer.KindName
            ? caches.TokenIssuers.Get(key.Object) is { } namespaced
                ? (ResolvedIssuer.From(namespaced), (Func<TokenIssuerStatus, CancellationToken, Task<bool>>)((s, ct) => WriteAsync(TokenIssuers, namespaced, s, ct)))
                : (null, null)
            : caches.ClusterTokenIssuers.Get(key.Object) is { } cluster
                ? (ResolvedIssuer.From(cluster), (s, ct) => WriteAsync(ClusterTokenIssuers, cluster, s, ct))
                : (null, null);
        if (issuer is null || write is null)
        {
            // Deleted: drop its connection.
            providers.Evict(key.ToString());
            return ReconcileResult.Done;
        }

        var (ready, reason, message, retry) = await CheckAsync(issuer, cancellationToken);
        var now = time.GetUtcNow();
        var status = Clone(issuer.Status);
        var before = Conditions.Find(status.Conditions, ConditionTypes.Ready);
        status.ObservedGeneration = issuer.Generation;
        status.Vendor = issuer.Vendor;
        status.Conditions = Conditions.Set(status.Conditions, ConditionTypes.Ready, ready, reason, message, issuer.Generation, now);
        var changed = before?.Status != (ready ? "True" : "False") || before.Reason != reason || before.Message != message;
        if (changed) status.LastCheckedAt = now.UtcDateTime;
        if (await write(status, cancellationToken) && changed)
        {
            Log.IssuerChecked(logger, issuer.Key, ready, reason, message);
            ReadinessChanged?.Invoke(issuer);
        }

        return retry ? ReconcileResult.Failed() : ReconcileResult.RequeueAfter(settings.IssuerRecheckInterval);
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

    private async Task<bool> WriteAsync<T>(ResourceType type, T issuer, TokenIssuerStatus status, CancellationToken ct)
        where T : class, IKubernetesObject<V1ObjectMeta>, IStatus<TokenIssuerStatus?>
    {
        if (JsonSerializer.Serialize(status) == JsonSerializer.Serialize(issuer.Status)) return true;
        var copy = JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(issuer))!;
        copy.Status = status;
        var result = await writer.ReplaceStatusAsync(type, copy, ct);
        return result.Outcome == WriteOutcome.Written;
    }

    private static TokenIssuerStatus Clone(TokenIssuerStatus? status) =>
        status is null ? new TokenIssuerStatus() : JsonSerializer.Deserialize<TokenIssuerStatus>(JsonSerializer.Serialize(status))!;
}
