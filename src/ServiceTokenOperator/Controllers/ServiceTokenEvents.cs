using System.Text.Json;
using ServiceTokenOperator.Api.V1Alpha1;

namespace ServiceTokenOperator.Controllers;

/// <summary>Which ServiceToken watch events are worth a reconcile.</summary>
internal static class ServiceTokenEvents
{
    /// <summary>
    /// True when only status (and resourceVersion) changed. Such an event is the reconciler's own status write: queueing
    /// it would bypass the work queue's failure backoff, and a failing reconcile that counts failedAttempts in status
    /// would retry in a hot loop. Spec, annotations (rotate), labels, finalizers and deletion still wake it.
    /// </summary>
    public static bool StatusOnly(ServiceToken? old, ServiceToken? @new) =>
        old is not null && @new is not null
        && old.Metadata.Generation == @new.Metadata.Generation
        && old.Metadata.DeletionTimestamp == @new.Metadata.DeletionTimestamp
        && Same(old.Metadata.Annotations, @new.Metadata.Annotations)
        && Same(old.Metadata.Labels, @new.Metadata.Labels)
        && Same(old.Metadata.Finalizers, @new.Metadata.Finalizers)
        && JsonSerializer.Serialize(old.Spec) == JsonSerializer.Serialize(@new.Spec);

    private static bool Same<T>(T? a, T? b) => JsonSerializer.Serialize(a) == JsonSerializer.Serialize(b);
}
