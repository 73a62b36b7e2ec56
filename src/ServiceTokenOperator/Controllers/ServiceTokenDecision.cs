using System.Globalization;
using k8s.Models;
using ServiceTokenOperator.Api;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.Controllers;

/// <summary>
/// The ServiceToken decision: an ordered checklist over the gathered inputs. The first check that fails says what
/// to do and why; nothing here does I/O.
/// </summary>
internal static class ServiceTokenDecision
{
    public static TokenDecision Decide(ServiceTokenInputs inputs)
    {
        var token = inputs.Token;
        var status = token.Status;

        // Deletion comes first: nothing else matters for an object on its way out.
        if (token.Metadata.DeletionTimestamp is not null)
            return new(TokenAction.Finalize, Reasons.Deleting, "revoking tokens before deletion");

        // A spec the schema could not reject is reported, never acted upon.
        var (policy, problem) = TokenPolicy.From(token, inputs.MinRotationPeriod);
        if (problem is not null)
            return new(TokenAction.Stall, Reasons.InvalidSpec, $"{problem.Field}: {problem.Message}");

        // The issuer may simply not be created yet: wait for it.
        var issuer = inputs.Issuer;
        var kind = token.Spec.IssuerRef.Kind ?? TokenIssuer.KindName;
        if (issuer is null)
        {
            var where = kind == TokenIssuer.KindName ? $" in namespace \"{token.Metadata.NamespaceProperty}\"" : "";
            return new(TokenAction.Wait, Reasons.IssuerNotFound, $"spec.issuerRef: {kind} \"{token.Spec.IssuerRef.Name}\" not found{where}", policy);
        }

        // A ClusterTokenIssuer may serve only some namespaces: nothing about it is used (or told) to the others.
        if (NamespaceDenied(inputs, issuer) is { } denied)
            return denied with { Policy = policy };

        if (issuer.Vendor is null || inputs.Vendor is null)
            return new(TokenAction.Wait, Reasons.IssuerNotReady, $"spec.issuerRef: {issuer.Display} has no single vendor block the operator supports", policy);

        // A request block for another vendor is a mistake in the spec, not something to ignore.
        if (MismatchedBlock(token.Spec, issuer.Vendor) is { } block)
            return new(TokenAction.Stall, Reasons.VendorMismatch, $"spec.{block}: is set, but {issuer.Display} is a {issuer.Vendor} issuer", policy);

        if (inputs.Vendor.ValidateRequest(token.Spec) is { } requestProblem)
            return new(TokenAction.Stall, Reasons.InvalidSpec, $"{requestProblem.Field}: {requestProblem.Message}", policy);

        if (SecretTemplateRenderer.Validate(token.Spec.Secret?.Template, issuer.Vendor) is { } templateProblem)
            return new(TokenAction.Stall, Reasons.InvalidSpec, $"{templateProblem.Field}: {templateProblem.Message}", policy);

        // Another ServiceToken already writes this Secret: never take it over.
        var secret = inputs.Secret;
        if (secret is not null && OwnerName(secret) is { } owner && owner != token.Metadata.Name)
            return new(TokenAction.Stall, Reasons.SecretNotOwned, $"spec.secret.name: Secret \"{secret.Metadata.Name}\" is managed by ServiceToken \"{owner}\"", policy);

        // An issuer that cannot issue yet (credential unchecked or rejected) will tell when it can.
        if (!issuer.Ready)
        {
            var ready = Conditions.Find(issuer.Status?.Conditions, ConditionTypes.Ready);
            var why = ready is null ? "its credential has not been checked yet" : $"{ready.Reason}: {ready.Message}";
            // A rejected or missing credential needs a person; a vendor that is merely down does not.
            var action = ready?.Reason is { } reason && Reasons.NeedsAPerson(reason) ? TokenAction.Stall : TokenAction.Wait;
            return new(action, Reasons.IssuerNotReady, $"spec.issuerRef: {issuer.Display} is not ready ({why})", policy);
        }

        // The finalizer goes on before any vendor call, so no token can outlive its record.
        if (token.Metadata.Finalizers?.Contains(SecretLabels.Finalizer) != true)
            return new(TokenAction.AddFinalizer, Reasons.FirstIssue, "adding the finalizer", policy);

        // A crash after the Secret was written but before status: the Secret is the record, adopt it.
        if (secret is not null && RevisionOf(secret) > (status?.Revision ?? 0) && secret.Metadata.Annotations?.ContainsKey(SecretLabels.TokenId) == true)
            return new(TokenAction.Adopt, Reasons.Adopted, $"adopting revision {RevisionOf(secret)} found in Secret \"{secret.Metadata.Name}\"", policy);

        if (status?.TokenId is null)
            return new(TokenAction.Issue, Reasons.FirstIssue, "issuing the first token", policy);

        // Drift of the data itself can only be repaired by a new token: the old value may have leaked or be lost.
        if (secret is null)
            return new(TokenAction.Issue, Reasons.SecretMissing, $"Secret \"{policy!.SecretName}\" is missing; issuing a new token", policy);
        if (status.SecretMac is not null && inputs.Mac.Compute(SecretBuilder.ManagedData(secret, policy!, token.Spec.Secret?.Template, issuer.Vendor)) != status.SecretMac)
            return new(TokenAction.Issue, Reasons.SecretDataChanged, $"the data of Secret \"{secret.Metadata.Name}\" was changed; issuing a new token", policy);
        if (status.SecretName is not null && status.SecretName != policy!.SecretName)
            return new(TokenAction.Issue, Reasons.SpecChanged, $"spec.secret.name changed to \"{policy.SecretName}\"; issuing a new token", policy);

        if (!TokenRequestHash.BindingMatches(status.RequestHash, token.Spec))
            return new(TokenAction.Issue, Reasons.SpecChanged, "the issuer or the token's vendor request changed; issuing a new token", policy);

        // Grants may change on the live token: no new secret to distribute. The reconciler re-issues where the vendor cannot.
        if (!TokenRequestHash.GrantsMatch(status.RequestHash, token.Spec))
            return new(TokenAction.UpdateGrants, Reasons.GrantsUpdated, $"spec.planetscale.accesses changed; updating the grants of token {status.TokenId}", policy);

        var rotate = token.Metadata.Annotation(SecretLabels.Rotate);
        if (!string.IsNullOrEmpty(rotate) && rotate != status.LastRotateRequest)
            return new(TokenAction.Issue, Reasons.ManualRotationRequested, $"rotation requested by annotation ({rotate})", policy);

        // A due rotation waits for its paced slot, so that a wave of them does not hit the vendor at once.
        if (status.NextRotationAt is { } next && inputs.Now >= Utc(next) && (inputs.RotationSlot is not { } slot || inputs.Now >= slot))
            return new(TokenAction.Issue, Reasons.RotationDue, "the rotation is due", policy);

        if (status.PendingRevocations?.Any(p => inputs.Now >= Utc(p.RevokeAt)) == true)
            return new(TokenAction.Revoke, Reasons.Revoked, "revoking replaced tokens whose grace period ended", policy);

        if (MetadataDrift(secret, token, policy!, status) is { } drift)
            return new(TokenAction.RestoreSecret, Reasons.SecretMetadataRestored, drift, policy);

        return new(TokenAction.UpToDate, Reasons.UpToDate, $"Secret \"{secret.Metadata.Name}\" holds token {status.TokenId} (revision {status.Revision})", policy);
    }

    /// <summary>The earliest time something is due: the next rotation (or its paced slot) or a revocation.</summary>
    public static DateTimeOffset? NextWake(ServiceTokenStatus? status, DateTimeOffset? rotationSlot = null)
    {
        var times = (status?.PendingRevocations ?? []).Select(p => Utc(p.RevokeAt)!.Value).ToList();
        if (Utc(status?.NextRotationAt) is { } next) times.Add(rotationSlot is { } slot && slot > next ? slot : next);
        return times.Count == 0 ? null : times.Min();
    }

    public static string? OwnerName(V1Secret secret) => secret.Metadata.Annotation(SecretLabels.ServiceToken);

    public static long RevisionOf(V1Secret secret) =>
        long.TryParse(secret.Metadata.Annotation(SecretLabels.Revision), NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : 0;

    public static IReadOnlyDictionary<string, byte[]> SecretData(V1Secret secret) =>
        (IReadOnlyDictionary<string, byte[]>?)secret.Data ?? new Dictionary<string, byte[]>();

    public static DateTimeOffset? Utc(DateTime? time) => time is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;

    private static TokenDecision? NamespaceDenied(ServiceTokenInputs inputs, ResolvedIssuer issuer)
    {
        if (issuer.Spec is not ClusterTokenIssuerSpec { Conditions: { Count: > 0 } conditions }) return null;
        var verdict = NamespaceAccess.Check(conditions, inputs.Token.Metadata.NamespaceProperty, inputs.NamespaceLabels);
        if (verdict.Allowed) return null;
        // Labels not cached yet may arrive on their own; a condition that excludes the namespace needs a person.
        return verdict.Unknown
            ? new(TokenAction.Wait, Reasons.IssuerNotAllowed, $"spec.issuerRef: {issuer.Display}: {verdict.Message}")
            : new(TokenAction.Stall, Reasons.IssuerNotAllowed, $"spec.issuerRef: {issuer.Display} may not be used from this namespace: {verdict.Message}");
    }

    private static string? MismatchedBlock(ServiceTokenSpec spec, string vendor)
    {
        if (spec.PlanetScale is not null && vendor != Vendors.PlanetScale) return Vendors.PlanetScale;
        if (spec.Akka is not null && vendor != Vendors.Akka) return Vendors.Akka;
        return null;
    }

    private static string? MetadataDrift(V1Secret secret, ServiceToken token, TokenPolicy policy, ServiceTokenStatus status)
    {
        var record = new SecretBuilder.Record(
            status.TokenId!, status.TokenName ?? "", status.Revision ?? 0, Utc(status.IssuedAt) ?? DateTimeOffset.UnixEpoch, Utc(status.ExpiresAt));
        var desired = SecretBuilder.Metadata(token, record);
        foreach (var (key, value) in desired.Labels)
        {
            if (secret.Metadata.Label(key) != value) return $"label {key} of Secret \"{secret.Metadata.Name}\" drifted; restoring it";
        }

        foreach (var (key, value) in desired.Annotations)
        {
            if (secret.Metadata.Annotation(key) != value) return $"annotation {key} of Secret \"{secret.Metadata.Name}\" drifted; restoring it";
        }

        if (policy.CreationPolicy == TokenPolicy.CreationOwner && secret.Metadata.OwnerReferences?.Any(o => o.Uid == token.Metadata.Uid) != true)
            return $"the ownerReference of Secret \"{secret.Metadata.Name}\" is missing; restoring it";
        return null;
    }
}
