using k8s;

namespace ServiceTokenOperator.Runtime;

/// <summary>
/// A change the informer applied to its cache. Added: new only. Modified: old and new.
/// Deleted: <see cref="OldObject"/> is the last state seen, <see cref="NewObject"/> is null.
/// </summary>
internal sealed record InformerEvent<T>(WatchEventType Type, T? OldObject, T? NewObject)
{
    /// <summary>The object the event is about: the new state, or the last state for a delete.</summary>
    public T Object => (NewObject ?? OldObject)!;
}
