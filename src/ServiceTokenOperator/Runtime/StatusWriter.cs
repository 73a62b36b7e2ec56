using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ServiceTokenOperator.Runtime;

/// <summary>
/// Optimistic writes: the object's cached resourceVersion travels with every write, so a concurrent change comes
/// back as <see cref="WriteOutcome.Conflict"/> for the caller to requeue (never retried blindly here), and a
/// deleted object as <see cref="WriteOutcome.NotFound"/>. Other failures throw.
/// </summary>
internal sealed class StatusWriter(IKubernetes client)
{
    /// <summary>PUTs the status subresource of <paramref name="obj"/> (its resourceVersion must be set).</summary>
    public Task<WriteResult<T>> ReplaceStatusAsync<T>(ResourceType type, T obj, CancellationToken ct)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(obj);
        RequireResourceVersion(obj);
        var name = obj.Metadata.Name;
        return WriteAsync(() => type.Namespaced
            ? client.CustomObjects.ReplaceNamespacedCustomObjectStatusWithHttpMessagesAsync<T>(
                obj, type.Group, type.Version, obj.Metadata.NamespaceProperty, type.Plural, name, cancellationToken: ct)
            : client.CustomObjects.ReplaceClusterCustomObjectStatusWithHttpMessagesAsync<T>(
                obj, type.Group, type.Version, type.Plural, name, cancellationToken: ct));
    }

    /// <summary>
    /// Sets metadata.finalizers to exactly <paramref name="finalizers"/> with a JSON merge patch that carries
    /// the cached resourceVersion, which the API server treats as a precondition (409 on mismatch).
    /// </summary>
    public Task<WriteResult<T>> PatchFinalizersAsync<T>(ResourceType type, T obj, IList<string> finalizers, CancellationToken ct)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(finalizers);
        RequireResourceVersion(obj);
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = obj.Metadata.ResourceVersion,
                ["finalizers"] = new JsonArray([.. finalizers.Select(f => JsonValue.Create(f))]),
            },
        };
        return PatchAsync(type, obj, new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), ct);
    }

    /// <summary>Adds <paramref name="finalizer"/> if missing; an object that already has it is returned unwritten.</summary>
    public Task<WriteResult<T>> AddFinalizerAsync<T>(ResourceType type, T obj, string finalizer, CancellationToken ct)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var current = obj.Metadata.Finalizers ?? [];
        return current.Contains(finalizer)
            ? Task.FromResult(new WriteResult<T>(WriteOutcome.Written, obj))
            : PatchFinalizersAsync(type, obj, [.. current, finalizer], ct);
    }

    /// <summary>Removes <paramref name="finalizer"/> if present; an object without it is returned unwritten.</summary>
    public Task<WriteResult<T>> RemoveFinalizerAsync<T>(ResourceType type, T obj, string finalizer, CancellationToken ct)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var current = obj.Metadata.Finalizers ?? [];
        return !current.Contains(finalizer)
            ? Task.FromResult(new WriteResult<T>(WriteOutcome.Written, obj))
            : PatchFinalizersAsync(type, obj, [.. current.Where(f => f != finalizer)], ct);
    }

    /// <summary>Applies any patch to the object named by <paramref name="obj"/> (main resource, not status).</summary>
    public Task<WriteResult<T>> PatchAsync<T>(ResourceType type, T obj, V1Patch patch, CancellationToken ct)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var name = obj.Metadata.Name;
        return WriteAsync(() => type.Namespaced
            ? client.CustomObjects.PatchNamespacedCustomObjectWithHttpMessagesAsync<T>(
                patch, type.Group, type.Version, obj.Metadata.NamespaceProperty, type.Plural, name, cancellationToken: ct)
            : client.CustomObjects.PatchClusterCustomObjectWithHttpMessagesAsync<T>(
                patch, type.Group, type.Version, type.Plural, name, cancellationToken: ct));
    }

    private static async Task<WriteResult<T>> WriteAsync<T>(Func<Task<HttpOperationResponse<T>>> write)
    {
        try
        {
            using var response = await write().ConfigureAwait(false);
            return new WriteResult<T>(WriteOutcome.Written, response.Body);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Conflict)
        {
            return new WriteResult<T>(WriteOutcome.Conflict, default);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return new WriteResult<T>(WriteOutcome.NotFound, default);
        }
    }

    private static void RequireResourceVersion(IKubernetesObject<V1ObjectMeta> obj)
    {
        if (string.IsNullOrEmpty(obj.Metadata?.ResourceVersion))
        {
            // Without it the write would silently overwrite whatever changed since the object was read.
            throw new ArgumentException($"{obj.Kind} {ObjectKey.Of(obj)} has no resourceVersion: optimistic writes need the cached one.", nameof(obj));
        }
    }
}
