using System.Globalization;
using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using ServiceTokenOperator.Api;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Providers;
using ServiceTokenOperator.Rotation;
using ServiceTokenOperator.Runtime;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.Controllers;

/// <summary>
/// Reconciles one ServiceToken: gather the inputs from the caches, decide (<see cref="ServiceTokenDecision"/>), do the
/// one action, write status only when it changed. Expected failures come back as results with a requeue, never thrown.
/// </summary>
internal sealed class ServiceTokenReconciler(
    OperatorCaches caches,
    IKubernetes client,
    StatusWriter writer,
    ProviderCache providers,
    VendorRegistry vendors,
    OperatorSettings settings,
    RotationScheduler scheduler,
    RotationPacer pacer,
    RolloutRestarter restarter,
    FailPoints failPoints,
    TimeProvider time,
    ILogger<ServiceTokenReconciler> logger)
{
    public static readonly ResourceType Resource = new(ApiGroup.Group, ApiGroup.VersionName, ServiceToken.Plural, Namespaced: true);

    private readonly RecentWrites<ServiceToken> _tokens = new();
    private readonly RecentWrites<V1Secret> _secrets = new();

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        failPoints.ThrowIfCrashed();
        // A pass may take several steps (finalizer, then issue) on the object each step wrote.
        for (var step = 0; step < 4; step++)
        {
            var token = _tokens.Resolve(key, caches.ServiceTokens.Get(key));
            if (token is null)
            {
                // Gone: the finalizer already did the revocations.
                _secrets.Forget(key);
                pacer.Release(key);
                await scheduler.ForgetAsync(key, cancellationToken);
                return ReconcileResult.Done;
            }

            var inputs = Gather(token);
            var decision = ServiceTokenDecision.Decide(inputs);
            Log.Decided(logger, key.ToString(), decision.Action.ToString(), decision.Reason);
            var (result, next) = await ActAsync(inputs, decision, cancellationToken);
            if (next is null) return result;
        }

        return ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(1));
    }

    private ServiceTokenInputs Gather(ServiceToken token)
    {
        var issuer = caches.ResolveIssuer(token);
        var secretName = token.Spec.Secret?.Name ?? token.Metadata.Name;
        var secretKey = new ObjectKey(token.Metadata.NamespaceProperty, secretName);
        var secret = _secrets.Resolve(secretKey, caches.Secrets.Get(secretKey));
        var vendor = vendors.Find(issuer?.Vendor);
        var now = time.GetUtcNow();
        // A due rotation gets a slot in its issuer's pace; the decision waits for it.
        DateTimeOffset? slot = null;
        if (ServiceTokenDecision.Utc(token.Status?.NextRotationAt) is { } due && due <= now && issuer is not null && vendor is not null)
            slot = pacer.Reserve(issuer.Key, ObjectKey.Of(token), due, now, vendor.RotationSpacing);
        return new ServiceTokenInputs(token, issuer, vendor, secret, now, settings.MinRotationPeriod, settings.Mac, slot,
            caches.NamespaceLabels(token.Metadata.NamespaceProperty));
    }

    /// <summary>Does the decided action. A non-null second value means: decide again on this newer object.</summary>
    private async Task<(ReconcileResult, ServiceToken?)> ActAsync(ServiceTokenInputs inputs, TokenDecision decision, CancellationToken ct)
    {
        var token = inputs.Token;
        // After a 429 the issuer's credential is held until its Retry-After: wait without calling the vendor.
        if (decision.Action is TokenAction.Issue or TokenAction.UpdateGrants or TokenAction.Revoke
            && inputs.Issuer is not null && pacer.HeldFor(inputs.Issuer.Key, time.GetUtcNow()) is { } held)
            return (ReconcileResult.RequeueAfter(held), null);

        try
        {
            switch (decision.Action)
            {
                case TokenAction.Finalize:
                    return (await FinalizeAsync(inputs, ct), null);
                case TokenAction.Stall:
                case TokenAction.Wait:
                    await WriteStatusAsync(token, ReportProblem(token, decision, stalled: decision.Action == TokenAction.Stall), ct);
                    return (ReconcileResult.Failed(), null);
                case TokenAction.AddFinalizer:
                    var withFinalizer = await PatchFinalizersAsync(token, [.. token.Metadata.Finalizers ?? [], SecretLabels.Finalizer], ct);
                    failPoints.Reach(FailPoints.AfterFinalizer);
                    return withFinalizer is null ? (ReconcileResult.Failed(), null) : (ReconcileResult.Done, withFinalizer);
                case TokenAction.Adopt:
                    return (await AdoptAsync(inputs, decision, ct), null);
                case TokenAction.Issue:
                    return (await IssueAsync(inputs, decision, ct), null);
                case TokenAction.UpdateGrants:
                    return (await UpdateGrantsAsync(inputs, decision, ct), null);
                case TokenAction.Revoke:
                    return (await RevokeDueAsync(inputs, decision, ct), null);
                case TokenAction.RestoreSecret:
                    return (await RestoreSecretAsync(inputs, decision, ct), null);
                default:
                    await WriteStatusAsync(token, Healthy(token, token.Status!, decision.Reason, decision.Message), ct);
                    return (await WakeAtNextAsync(token, token.Status, inputs.RotationSlot, ct), null);
            }
        }
        catch (VendorException e)
        {
            if (e.Kind == VendorErrorKind.RateLimited && inputs.Issuer is not null)
                pacer.Hold(inputs.Issuer.Key, time.GetUtcNow() + (e.RetryAfter ?? TimeSpan.FromSeconds(1)));
            Log.VendorFailed(logger, ObjectKey.Of(token).ToString(), e.Kind.ToString(), e.Message);
            await WriteStatusAsync(token, ReportVendorFailure(token, decision, e), CancellationToken.None);
            return (ReconcileResult.Failed(e.RetryAfter), null);
        }
        catch (StatusConflictException)
        {
            // Someone wrote the object meanwhile: decide again on the newer version (a written Secret is adopted).
            return (ReconcileResult.Failed(), null);
        }
        catch (IssuerConfigException e)
        {
            await WriteStatusAsync(token, ReportProblem(token, new TokenDecision(TokenAction.Wait, Reasons.IssuerNotReady, e.Message), stalled: false), CancellationToken.None);
            return (ReconcileResult.Failed(), null);
        }
    }

    private async Task<ReconcileResult> IssueAsync(ServiceTokenInputs inputs, TokenDecision decision, CancellationToken ct)
    {
        var token = inputs.Token;
        var policy = decision.Policy!;
        var issuer = inputs.Issuer!;
        var vendor = inputs.Vendor!;
        // Secrets not labelled as ours are cached as metadata only: read the whole one only when the name is taken,
        // to stall before any vendor call (or to merge into it).
        var secretKey = new ObjectKey(token.Metadata.NamespaceProperty, policy.SecretName);
        var existing = inputs.Secret ?? (caches.OtherSecrets.Get(secretKey) is null ? null : await ReadSecretAsync(secretKey.Namespace!, secretKey.Name, ct));
        var merge = policy.CreationPolicy == TokenPolicy.CreationMerge;
        if (merge && existing is null)
        {
            // Merge writes into a Secret someone else creates; until it exists there is nowhere to put a token.
            var missing = new TokenDecision(TokenAction.Wait, Reasons.SecretMissing, $"spec.secret.name: Secret \"{policy.SecretName}\" does not exist; creationPolicy Merge writes only into an existing Secret", policy);
            await WriteStatusAsync(token, ReportProblem(token, missing, stalled: false), ct);
            return ReconcileResult.Failed();
        }

        var owner = existing is null ? null : ServiceTokenDecision.OwnerName(existing);
        if (existing is not null && owner != token.Metadata.Name && !(merge && owner is null))
        {
            var problem = new TokenDecision(TokenAction.Stall, Reasons.SecretNotOwned, $"spec.secret.name: Secret \"{policy.SecretName}\" already exists and is not managed by this ServiceToken", policy);
            await WriteStatusAsync(token, ReportProblem(token, problem, stalled: true), ct);
            return ReconcileResult.Failed();
        }

        var provider = await providers.GetAsync(issuer, refresh: false, ct);
        var previous = token.Status;
        var revision = Math.Max(previous?.Revision ?? 0, existing is null ? 0 : ServiceTokenDecision.RevisionOf(existing)) + 1;
        var name = TokenNaming.For(settings.ClusterId, token.Metadata.NamespaceProperty, token.Metadata.Name, revision, vendor.MaxTokenNameLength);

        var issued = await CreateAsync(provider, new TokenRequest(name, token.Spec), ct);
        Log.Created(logger, ObjectKey.Of(token).ToString(), issued.TokenId, revision, decision.Reason);
        failPoints.Reach(FailPoints.AfterCreate);
        try
        {
            await provider.VerifyAsync(issued, ct);
            failPoints.Reach(FailPoints.AfterVerify);
        }
        catch (VendorException)
        {
            // A token that does not work must not reach the Secret; do not leave it behind either.
            await RevokeQuietlyAsync(provider, issued.TokenId);
            throw;
        }

        var data = SecretTemplateRenderer.Render(token.Spec.Secret?.Template, issued);
        var now = time.GetUtcNow();
        var record = new SecretBuilder.Record(issued.TokenId, issued.Name, revision, now, issued.ExpiresAt);
        var desired = SecretBuilder.Build(token, policy, record, data);
        bool written;
        try
        {
            written = await WriteSecretAsync(token, policy, existing, desired, keepData: false, ct);
        }
        catch (HttpOperationException e) when ((int)e.Response.StatusCode is >= 400 and < 500 and not 408)
        {
            // A 4xx answer means the Secret was not written, so nothing holds the new token: revoke it now rather
            // than leave one token per retry to the sweep. A conflict or throttling is retried; a refusal stalls.
            await RevokeQuietlyAsync(provider, issued.TokenId);
            if (e.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.TooManyRequests) return ReconcileResult.Failed();
            var refused = new TokenDecision(TokenAction.Stall, Reasons.InvalidSpec, $"spec.secret: the API server refused Secret \"{policy.SecretName}\" ({(int)e.Response.StatusCode}): {ApiMessage(e)}", policy);
            await WriteStatusAsync(token, ReportProblem(token, refused, stalled: true), ct);
            return ReconcileResult.Failed();
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            // A timeout or 5xx may have written the Secret after all: look before revoking, and if even the look
            // fails, leave the token to the orphan sweep, which keeps it if the Secret does hold it.
            await RevokeUnlessWrittenAsync(provider, issued.TokenId, token.Metadata.NamespaceProperty, policy.SecretName);
            throw;
        }

        if (!written)
        {
            await RevokeQuietlyAsync(provider, issued.TokenId);
            var problem = new TokenDecision(TokenAction.Stall, Reasons.SecretNotOwned, $"spec.secret.name: Secret \"{policy.SecretName}\" already exists and is not managed by this ServiceToken", policy);
            await WriteStatusAsync(token, ReportProblem(token, problem, stalled: true), ct);
            return ReconcileResult.Failed();
        }

        failPoints.Reach(FailPoints.AfterSecret);
        // Workloads pick the new token up before the old one is revoked; after the first issuance nothing runs on it yet.
        if (previous?.TokenId is not null) await RestartTargetsAsync(token, ct);

        var status = Recorded(token, policy, record, settings.Mac.Compute(data), issuer.Key);
        var reason = previous?.TokenId is null ? Reasons.Issued : Reasons.Rotated;
        var message = $"Secret \"{policy.SecretName}\" holds token {issued.TokenId} (revision {revision}, {decision.Reason})";
        await WriteStatusAsync(token, Healthy(token, status, reason, message), ct);
        failPoints.Reach(FailPoints.AfterStatus);
        pacer.Release(ObjectKey.Of(token));
        return await WakeAtNextAsync(token, status, null, ct);
    }

    /// <summary>The Secret already holds a newer revision than status says: take it as the truth.</summary>
    private async Task<ReconcileResult> AdoptAsync(ServiceTokenInputs inputs, TokenDecision decision, CancellationToken ct)
    {
        var token = inputs.Token;
        var secret = inputs.Secret!;
        var record = SecretBuilder.ReadRecord(secret)!;
        var managed = SecretBuilder.ManagedData(secret, decision.Policy!, token.Spec.Secret?.Template, inputs.Issuer!.Vendor!);
        var status = Recorded(token, decision.Policy!, record, settings.Mac.Compute(managed), inputs.Issuer.Key);
        Log.Adopted(logger, ObjectKey.Of(token).ToString(), record.TokenId, record.Revision);
        // The crash may have come before the restart: restarting twice is harmless, never restarting is not.
        if (token.Status?.TokenId is not null) await RestartTargetsAsync(token, ct);
        await WriteStatusAsync(token, Healthy(token, status, Reasons.Adopted, decision.Message), ct);
        pacer.Release(ObjectKey.Of(token));
        return await WakeAtNextAsync(token, status, null, ct);
    }

    /// <summary>
    /// Changes the live token's grants: same token, same Secret, same revision. A vendor that cannot (or no longer
    /// has the token) gets a new revision instead, as for any other change of the request.
    /// </summary>
    private async Task<ReconcileResult> UpdateGrantsAsync(ServiceTokenInputs inputs, TokenDecision decision, CancellationToken ct)
    {
        var token = inputs.Token;
        var tokenId = token.Status!.TokenId!;
        var provider = await providers.GetAsync(inputs.Issuer!, refresh: false, ct);
        if (!await provider.UpdateGrantsAsync(tokenId, token.Spec, ct))
        {
            var reissue = decision with { Action = TokenAction.Issue, Reason = Reasons.SpecChanged, Message = $"the grants of token {tokenId} cannot change in place; issuing a new token" };
            return await IssueAsync(inputs, reissue, ct);
        }

        var status = StatusCopies.Copy(token.Status);
        status.RequestHash = TokenRequestHash.Of(token.Spec);
        await WriteStatusAsync(token, Healthy(token, status, Reasons.GrantsUpdated, $"the grants of token {tokenId} were updated in place (revision {status.Revision})"), ct);
        return await WakeAtNextAsync(token, status, null, ct);
    }

    private async Task<ReconcileResult> RevokeDueAsync(ServiceTokenInputs inputs, TokenDecision decision, CancellationToken ct)
    {
        var token = inputs.Token;
        var now = time.GetUtcNow();
        var remaining = new List<PendingRevocation>();
        foreach (var pending in token.Status!.PendingRevocations ?? [])
        {
            // A token is revoked through the issuer that created it, which an issuerRef change may have replaced.
            var issuer = IssuerOf(inputs, pending.Issuer ?? token.Status.Issuer);
            if (ServiceTokenDecision.Utc(pending.RevokeAt) > now || issuer is null)
            {
                if (issuer is null) Log.RevokerMissing(logger, ObjectKey.Of(token).ToString(), pending.TokenId, pending.Issuer ?? "");
                remaining.Add(pending);
                continue;
            }

            var provider = await providers.GetAsync(issuer, refresh: false, ct);
            await provider.RevokeAsync(pending.TokenId, ct);
            Log.Revoked(logger, ObjectKey.Of(token).ToString(), pending.TokenId);
            failPoints.Reach(FailPoints.AfterRevoke);
        }

        var status = StatusCopies.Copy(token.Status);
        status.PendingRevocations = remaining.Count == 0 ? null : remaining;
        await WriteStatusAsync(token, Healthy(token, status, Reasons.Revoked, decision.Message), ct);
        return await WakeAtNextAsync(token, status, null, ct);
    }

    private async Task<ReconcileResult> RestoreSecretAsync(ServiceTokenInputs inputs, TokenDecision decision, CancellationToken ct)
    {
        var token = inputs.Token;
        var status = token.Status!;
        var record = new SecretBuilder.Record(status.TokenId!, status.TokenName ?? "", status.Revision ?? 0,
            ServiceTokenDecision.Utc(status.IssuedAt) ?? time.GetUtcNow(), ServiceTokenDecision.Utc(status.ExpiresAt));
        var desired = SecretBuilder.Build(token, decision.Policy!, record, new Dictionary<string, string>());
        await WriteSecretAsync(token, decision.Policy!, inputs.Secret, desired, keepData: true, ct);
        Log.Restored(logger, ObjectKey.Of(token).ToString(), decision.Message);
        return ReconcileResult.Done;
    }

    private async Task<ReconcileResult> FinalizeAsync(ServiceTokenInputs inputs, CancellationToken ct)
    {
        var token = inputs.Token;
        if (token.Metadata.Finalizers?.Contains(SecretLabels.Finalizer) != true) return ReconcileResult.Done;
        var status = token.Status;
        var revoke = (token.Spec.DeletionPolicy ?? "Revoke") == "Revoke";
        // Each token with the issuer that created it: pending ones carry theirs, the current one is status.issuer's.
        var toRevoke = (status?.PendingRevocations ?? []).Select(p => (Id: p.TokenId, Issuer: p.Issuer ?? status?.Issuer)).ToList();
        if (revoke && status?.TokenId is { } current) toRevoke.Add((current, status.Issuer));
        if (inputs.Secret is { } secret && ServiceTokenDecision.OwnerName(secret) == token.Metadata.Name && secret.Metadata.Annotation(SecretLabels.TokenId) is { } held)
        {
            if (revoke && toRevoke.All(t => t.Id != held)) toRevoke.Add((held, status?.Issuer));
            // Never a dead Secret: the Secret goes before the token it holds is revoked; with Retain it stays, unowned.
            // A merged Secret belongs to someone else: only our keys, labels and annotations leave it.
            var merged = token.Spec.Secret?.CreationPolicy == TokenPolicy.CreationMerge;
            if (revoke && merged) await UnmergeSecretAsync(token, secret, inputs.Issuer?.Vendor, ct);
            else if (revoke) await DeleteSecretAsync(secret, ct);
            else await ReleaseSecretAsync(token, secret, ct);
        }

        var unreachable = toRevoke.Where(t => IssuerOf(inputs, t.Issuer) is null).Select(t => t.Id).ToList();
        if (unreachable.Count > 0)
        {
            var problem = new TokenDecision(TokenAction.Wait, Reasons.IssuerNotFound, $"spec.issuerRef: cannot revoke {string.Join(", ", unreachable)}: the issuer that created it is not found");
            await WriteStatusAsync(token, ReportProblem(token, problem, stalled: false), ct);
            return ReconcileResult.Failed();
        }

        foreach (var (id, issuerKey) in toRevoke)
        {
            var provider = await providers.GetAsync(IssuerOf(inputs, issuerKey)!, refresh: false, ct);
            await provider.RevokeAsync(id, ct);
            Log.Revoked(logger, ObjectKey.Of(token).ToString(), id);
            failPoints.Reach(FailPoints.AfterRevoke);
        }

        await PatchFinalizersAsync(token, (token.Metadata.Finalizers ?? []).Where(f => f != SecretLabels.Finalizer).ToList(), ct);
        return ReconcileResult.Done;
    }

    /// <summary>
    /// Creates the token. A token of this very name already existing means an earlier attempt at this revision
    /// created it and could neither record nor revoke it (a Secret holding it would have been adopted instead), so
    /// nothing references it: revoke it and create once more.
    /// </summary>
    private async Task<IssuedToken> CreateAsync(ITokenProvider provider, TokenRequest request, CancellationToken ct)
    {
        try
        {
            return await provider.CreateAsync(request, ct);
        }
        catch (VendorException e) when (e.Kind == VendorErrorKind.AlreadyExists)
        {
            await foreach (var stale in provider.ListAsync(ct))
            {
                if (stale.Name != request.Name) continue;
                await provider.RevokeAsync(stale.TokenId, ct);
                Log.RevokedLeftover(logger, request.Name, stale.TokenId);
            }

            return await provider.CreateAsync(request, ct);
        }
    }

    private async Task RevokeUnlessWrittenAsync(ITokenProvider provider, string tokenId, string @namespace, string secretName)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var secret = await client.CoreV1.ReadNamespacedSecretAsync(secretName, @namespace, cancellationToken: timeout.Token);
            if (secret.Metadata.Annotation(SecretLabels.TokenId) == tokenId) return;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // Not written.
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or OperationCanceledException)
        {
            return;
        }

        await RevokeQuietlyAsync(provider, tokenId);
    }

    /// <summary>The message of a Kubernetes Status answer (never Secret data: the server does not echo it).</summary>
    private static string ApiMessage(HttpOperationException e)
    {
        try
        {
            return JsonSerializer.Deserialize<V1Status>(e.Response.Content)?.Message ?? e.Response.ReasonPhrase ?? "";
        }
        catch (JsonException)
        {
            return e.Response.ReasonPhrase ?? "";
        }
    }

    /// <summary>The issuer recorded for a token; the spec's issuer when none was recorded (or it is that one).</summary>
    private ResolvedIssuer? IssuerOf(ServiceTokenInputs inputs, string? recorded) =>
        recorded is null || recorded == inputs.Issuer?.Key ? inputs.Issuer : caches.ResolveIssuer(recorded);

    /// <summary>Creates or replaces the Secret. False when a Secret of that name exists that this ServiceToken does not manage.</summary>
    private async Task<bool> WriteSecretAsync(ServiceToken token, TokenPolicy policy, V1Secret? existing, V1Secret desired, bool keepData, CancellationToken ct)
    {
        var key = ObjectKey.Of(desired);
        // What the cache of our Secrets shows: nothing when the Secret was someone else's (a Merge target) until now.
        var cachedVersion = caches.Secrets.Get(key)?.Metadata.ResourceVersion;
        if (existing is null)
        {
            try
            {
                var created = await client.CoreV1.CreateNamespacedSecretAsync(desired, desired.Metadata.NamespaceProperty, cancellationToken: ct);
                _secrets.Record(key, null, created);
                return true;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                // Not in our cache, so not labelled as ours; it may still be ours if someone removed the label.
                existing = await client.CoreV1.ReadNamespacedSecretAsync(desired.Metadata.Name, desired.Metadata.NamespaceProperty, cancellationToken: ct);
                if (ServiceTokenDecision.OwnerName(existing) != token.Metadata.Name) return false;
            }
        }

        if (policy.CreationPolicy == TokenPolicy.CreationMerge)
        {
            desired = SecretBuilder.MergeInto(existing, desired, keepData);
        }
        else
        {
            if (keepData) desired.Data = existing.Data;
            desired.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
        }

        var replaced = await client.CoreV1.ReplaceNamespacedSecretAsync(desired, desired.Metadata.Name, desired.Metadata.NamespaceProperty, cancellationToken: ct);
        _secrets.Record(key, cachedVersion, replaced);
        return true;
    }

    private async Task<V1Secret?> ReadSecretAsync(string @namespace, string name, CancellationToken ct)
    {
        try
        {
            return await client.CoreV1.ReadNamespacedSecretAsync(name, @namespace, cancellationToken: ct);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task DeleteSecretAsync(V1Secret secret, CancellationToken ct)
    {
        try
        {
            await client.CoreV1.DeleteNamespacedSecretAsync(secret.Metadata.Name, secret.Metadata.NamespaceProperty, cancellationToken: ct);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone is what we wanted.
        }

        _secrets.Record(ObjectKey.Of(secret), secret.Metadata.ResourceVersion, null);
    }

    private async Task UnmergeSecretAsync(ServiceToken token, V1Secret secret, string? vendor, CancellationToken ct)
    {
        var keys = SecretTemplateRenderer.Keys(token.Spec.Secret?.Template, vendor ?? "");
        var cachedVersion = caches.Secrets.Get(ObjectKey.Of(secret))?.Metadata.ResourceVersion;
        var fresh = await ReadSecretAsync(secret.Metadata.NamespaceProperty, secret.Metadata.Name, ct);
        if (fresh is null) return;
        var replaced = await client.CoreV1.ReplaceNamespacedSecretAsync(SecretBuilder.Unmerge(fresh, keys), fresh.Metadata.Name, fresh.Metadata.NamespaceProperty, cancellationToken: ct);
        _secrets.Record(ObjectKey.Of(secret), cachedVersion, null);
        _ = replaced;
    }

    private async Task ReleaseSecretAsync(ServiceToken token, V1Secret secret, CancellationToken ct)
    {
        if (secret.Metadata.OwnerReferences?.Any(o => o.Uid == token.Metadata.Uid) != true) return;
        secret.Metadata.OwnerReferences = secret.Metadata.OwnerReferences.Where(o => o.Uid != token.Metadata.Uid).ToList();
        await client.CoreV1.ReplaceNamespacedSecretAsync(secret, secret.Metadata.Name, secret.Metadata.NamespaceProperty, cancellationToken: ct);
    }

    private async Task RevokeQuietlyAsync(ITokenProvider provider, string tokenId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await provider.RevokeAsync(tokenId, timeout.Token);
        }
        catch (Exception e) when (e is VendorException or OperationCanceledException)
        {
            // The orphan sweep finds tokens of this cluster that nothing references.
            Log.RevokeAfterFailureFailed(logger, tokenId, e.Message);
        }
    }

    private async Task<ServiceToken?> PatchFinalizersAsync(ServiceToken token, List<string> finalizers, CancellationToken ct)
    {
        var result = await writer.PatchFinalizersAsync(Resource, token, finalizers, ct);
        if (result.Outcome != WriteOutcome.Written) return null;
        _tokens.Record(ObjectKey.Of(token), token.Metadata.ResourceVersion, result.Object);
        return result.Object;
    }

    /// <summary>Writes status if it differs from what the object has.</summary>
    private async Task WriteStatusAsync(ServiceToken token, ServiceTokenStatus status, CancellationToken ct)
    {
        if (StatusCopies.Same(status, token.Status)) return;
        var updated = new ServiceToken { ApiVersion = token.ApiVersion, Kind = token.Kind, Metadata = token.Metadata, Spec = token.Spec, Status = status };
        var result = await writer.ReplaceStatusAsync(Resource, updated, ct);
        if (result.Outcome == WriteOutcome.Written)
            _tokens.Record(ObjectKey.Of(token), token.Metadata.ResourceVersion, result.Object);
        else if (result.Outcome == WriteOutcome.Conflict)
            throw new StatusConflictException();
    }

    /// <summary>
    /// The API stores times with at most microseconds, and the Rotating message is derived from revokeAt: a time
    /// with 100 ns ticks came back different, so the first reconcile after a restart rewrote the status of nine in
    /// ten rotated tokens. Whole seconds survive the round trip; rounding up never shortens the grace period.
    /// </summary>
    private static DateTime WholeSecondAfter(DateTimeOffset time)
    {
        var extra = time.UtcTicks % TimeSpan.TicksPerSecond;
        return (extra == 0 ? time : time.AddTicks(TimeSpan.TicksPerSecond - extra)).UtcDateTime;
    }

    private ServiceTokenStatus Recorded(ServiceToken token, TokenPolicy policy, SecretBuilder.Record record, string mac, string issuerKey)
    {
        var previous = token.Status;
        var status = StatusCopies.Copy(previous);
        var pending = new List<PendingRevocation>(previous?.PendingRevocations ?? []);
        if (previous?.TokenId is { } old && old != record.TokenId && pending.All(p => p.TokenId != old))
            pending.Add(new PendingRevocation { TokenId = old, RevokeAt = WholeSecondAfter(time.GetUtcNow() + policy.GracePeriod), Issuer = previous.Issuer });
        status.TokenId = record.TokenId;
        status.TokenName = record.TokenName;
        status.Revision = record.Revision;
        status.IssuedAt = record.IssuedAt.UtcDateTime;
        status.ExpiresAt = record.ExpiresAt?.UtcDateTime;
        status.NextRotationAt = policy.NextRotation(record.IssuedAt, record.ExpiresAt, token.Metadata.Uid).UtcDateTime;
        status.PendingRevocations = pending.Count == 0 ? null : pending;
        status.SecretName = policy.SecretName;
        status.SecretMac = mac;
        status.RequestHash = TokenRequestHash.Of(token.Spec);
        status.Issuer = issuerKey;
        status.LastRotateRequest = token.Metadata.Annotation(SecretLabels.Rotate) ?? previous?.LastRotateRequest;
        return status;
    }

    private ServiceTokenStatus Healthy(ServiceToken token, ServiceTokenStatus status, string reason, string message)
    {
        var now = time.GetUtcNow();
        var generation = token.Metadata.Generation;
        var result = StatusCopies.Copy(status);
        result.ObservedGeneration = generation;
        result.LastFailure = null;
        result.FailedAttempts = null;
        // A routine state keeps the Ready message stable, so that an up-to-date token writes nothing.
        var readyReason = reason == Reasons.UpToDate ? Conditions.Find(status.Conditions, ConditionTypes.Ready)?.Reason ?? Reasons.Issued : reason;
        var readyMessage = reason == Reasons.UpToDate ? Conditions.Find(status.Conditions, ConditionTypes.Ready)?.Message ?? message : message;
        result.Conditions = Conditions.Set(result.Conditions, ConditionTypes.Ready, true, readyReason, readyMessage, generation, now);
        result.Conditions = Conditions.Set(result.Conditions, ConditionTypes.Stalled, false, readyReason, "", generation, now);
        // Derived from status alone, so an up-to-date token writes nothing.
        result.Conditions = result.PendingRevocations is { Count: > 0 } pending
            ? Conditions.Set(result.Conditions, ConditionTypes.Rotating, true, Reasons.GracePeriod,
                $"revision {result.Revision} is in the Secret; replaced tokens are revoked from {pending.Min(p => p.RevokeAt).ToString("O", CultureInfo.InvariantCulture)}", generation, now)
            : Conditions.Set(result.Conditions, ConditionTypes.Rotating, false, Reasons.Idle, "no rotation in progress", generation, now);
        return result;
    }

    private ServiceTokenStatus ReportProblem(ServiceToken token, TokenDecision decision, bool stalled)
    {
        var now = time.GetUtcNow();
        var generation = token.Metadata.Generation;
        var status = StatusCopies.Copy(token.Status);
        status.ObservedGeneration = generation;
        // A token already in the Secret keeps working; Ready says so, Stalled says what needs a person.
        var hasToken = status.TokenId is not null;
        status.Conditions = Conditions.Set(status.Conditions, ConditionTypes.Ready, hasToken, hasToken ? Conditions.Find(status.Conditions, ConditionTypes.Ready)?.Reason ?? Reasons.Issued : decision.Reason,
            hasToken ? Conditions.Find(status.Conditions, ConditionTypes.Ready)?.Message ?? "" : decision.Message, generation, now);
        status.Conditions = Conditions.Set(status.Conditions, ConditionTypes.Stalled, stalled, decision.Reason, decision.Message, generation, now);
        return status;
    }

    private ServiceTokenStatus ReportVendorFailure(ServiceToken token, TokenDecision decision, VendorException e)
    {
        var now = time.GetUtcNow();
        var reason = e.Kind switch
        {
            VendorErrorKind.RateLimited => Reasons.RateLimited,
            VendorErrorKind.CredentialRejected => Reasons.CredentialRejected,
            VendorErrorKind.PermissionDenied => Reasons.PermissionDenied,
            VendorErrorKind.InvalidRequest or VendorErrorKind.AlreadyExists => Reasons.RequestRejected,
            _ => Reasons.VendorUnavailable,
        };
        var status = ReportProblem(token, new TokenDecision(TokenAction.Wait, reason, e.Message), stalled: !e.IsTransient);
        status.LastFailure = new FailureRecord { Time = now.UtcDateTime, Reason = reason, Message = e.Message };
        status.FailedAttempts = (token.Status?.FailedAttempts ?? 0) + 1;
        // A failed rotation keeps the old token in the Secret and is retried; Rotating says so.
        if (decision.Action == TokenAction.Issue && status.TokenId is not null)
        {
            status.Conditions = Conditions.Set(status.Conditions, ConditionTypes.Rotating, true, reason,
                $"issuing a new revision ({decision.Reason}) failed {status.FailedAttempts} time(s): {e.Message}; the Secret keeps revision {status.Revision}", token.Metadata.Generation, now);
        }

        return status;
    }

    /// <summary>Sets the token's wake to its next time-based action (one Quartz trigger serves the earliest wake); a fire only enqueues reconciles.</summary>
    private async Task<ReconcileResult> WakeAtNextAsync(ServiceToken token, ServiceTokenStatus? status, DateTimeOffset? rotationSlot, CancellationToken ct)
    {
        var key = ObjectKey.Of(token);
        if (ServiceTokenDecision.NextWake(status, rotationSlot) is not { } wake)
        {
            await scheduler.ForgetAsync(key, ct);
            return ReconcileResult.Done;
        }

        // Never in the past: a due action is taken on the next pass, one second later at the earliest.
        var earliest = time.GetUtcNow() + TimeSpan.FromSeconds(1);
        await scheduler.WakeAtAsync(key, wake < earliest ? earliest : wake, ct);
        return ReconcileResult.Done;
    }

    private async Task RestartTargetsAsync(ServiceToken token, CancellationToken ct)
    {
        if (token.Spec.Rotation?.RestartTargets is not { Count: > 0 }) return;
        await restarter.RestartAsync(token, ct);
        failPoints.Reach(FailPoints.AfterRestart);
    }
}
