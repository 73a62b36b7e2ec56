using k8s;
using k8s.Models;

namespace ServiceTokenOperator.Runtime;

/// <summary>Tuning of an informer's list and reconnect behaviour. Defaults follow client-go's reflector.</summary>
internal sealed record InformerOptions
{
    /// <summary>Items per list page. Default 500.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>First reconnect delay after an error or a stream that closed without progress. Default 1 s.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap of the reconnect delay. Default 30 s.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Up to this fraction is added at random to each delay, so replicas do not reconnect in step. Default 0.2.</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>A watch that stayed open this long counts as healthy and resets the backoff. Default 1 min.</summary>
    public TimeSpan HealthyWatchDuration { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Applied to every listed and watched object (deletions included) before it is cached and handed to the handlers,
    /// like controller-runtime's cache TransformFunc. It changes the object in place (each one is the informer's own,
    /// fresh from the API) and may only drop what no reader of the cache needs; null keeps objects as received.
    /// Default <see cref="InformerTransforms.StripManagedFields"/>: the caches' memory (issue 9).
    /// </summary>
    public Action<IKubernetesObject<V1ObjectMeta>>? Transform { get; init; } = InformerTransforms.StripManagedFields;
}
