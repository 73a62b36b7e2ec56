using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;

namespace ServiceTokenOperator.Observability;

/// <summary>
/// Turns status transitions the reconcilers wrote into Events and counters, by comparing the old and new object of a
/// watch update: the event reuses the condition's reason and message, Normal on success, Warning on a failure. Kept
/// apart from the reconcilers so they stay a checklist; called on the leader only, so replicas do not repeat events.
/// </summary>
internal static class StatusEvents
{
    private static readonly HashSet<string> Milestones = [Reasons.Issued, Reasons.Rotated, Reasons.Revoked, Reasons.Adopted];

    /// <summary>The event a ServiceToken update calls for, if any, and whether it was a rotation.</summary>
    public static (string Type, string Reason, string Message)? ForToken(ServiceTokenStatus? old, ServiceTokenStatus? current)
    {
        if (current is null) return null;
        if (current.LastFailure is { } failure && !SameFailure(old?.LastFailure, failure))
            return (EventRecorder.Warning, failure.Reason, failure.Message);

        var stalled = Conditions.Find(current.Conditions, ConditionTypes.Stalled);
        var oldStalled = Conditions.Find(old?.Conditions, ConditionTypes.Stalled);
        if (stalled is { Message.Length: > 0 } && (stalled.Reason != oldStalled?.Reason || stalled.Message != oldStalled?.Message || stalled.Status != oldStalled?.Status))
            return (EventRecorder.Warning, stalled.Reason, stalled.Message);

        var ready = Conditions.Find(current.Conditions, ConditionTypes.Ready);
        var oldReady = Conditions.Find(old?.Conditions, ConditionTypes.Ready);
        if (ready is { Status: "True" } && Milestones.Contains(ready.Reason)
            && (ready.Reason != oldReady?.Reason || ready.Message != oldReady?.Message || oldReady.Status != "True"))
            return (EventRecorder.Normal, ready.Reason, ready.Message);
        return null;
    }

    /// <summary>Whether the update replaced a live token by a new revision.</summary>
    public static bool IsRotation(ServiceTokenStatus? old, ServiceTokenStatus? current) =>
        old?.TokenId is not null && current?.TokenId is not null && old.TokenId != current.TokenId && (current.Revision ?? 0) > (old.Revision ?? 0);

    /// <summary>The event an issuer update calls for: its Ready condition changed.</summary>
    public static (string Type, string Reason, string Message)? ForIssuer(TokenIssuerStatus? old, TokenIssuerStatus? current)
    {
        var ready = Conditions.Find(current?.Conditions, ConditionTypes.Ready);
        var oldReady = Conditions.Find(old?.Conditions, ConditionTypes.Ready);
        if (ready is null || (ready.Status == oldReady?.Status && ready.Reason == oldReady.Reason && ready.Message == oldReady.Message)) return null;
        return (ready.Status == "True" ? EventRecorder.Normal : EventRecorder.Warning, ready.Reason, ready.Message);
    }

    private static bool SameFailure(FailureRecord? a, FailureRecord b) =>
        a is not null && a.Time == b.Time && a.Reason == b.Reason && a.Message == b.Message;

    /// <summary>The gauge row of a ServiceToken.</summary>
    public static TokenGaugeRow Row(ServiceToken token, string? vendor)
    {
        var status = token.Status;
        return new TokenGaugeRow(
            token.Metadata.NamespaceProperty ?? string.Empty,
            token.Metadata.Name,
            status?.Issuer ?? $"{token.Spec.IssuerRef.Kind ?? TokenIssuer.KindName}/{token.Spec.IssuerRef.Name}",
            vendor ?? string.Empty,
            Conditions.IsTrue(status?.Conditions, ConditionTypes.Ready),
            Seconds(status?.IssuedAt),
            Seconds(status?.ExpiresAt),
            Seconds(status?.NextRotationAt));
    }

    private static double? Seconds(DateTime? time) =>
        time is { } t ? (DateTime.SpecifyKind(t, DateTimeKind.Utc) - DateTime.UnixEpoch).TotalSeconds : null;
}
