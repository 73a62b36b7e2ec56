using k8s;
using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.Runtime;

/// <summary>Stock <see cref="InformerOptions.Transform"/> functions.</summary>
internal static class InformerTransforms
{
    /// <summary>
    /// Drops <c>metadata.managedFields</c>, as controller-runtime's <c>cache.TransformStripManagedFields()</c> does.
    /// No reconciler reads them, yet with their FieldsV1 documents they were the largest part of a cached object
    /// (≈ 5.6 KB of ≈ 20 KB per ServiceToken with its Secret, issue 9). Setting them to null, not to an empty list,
    /// matters: an update that leaves managedFields out keeps the server's, one that sends [] clears them.
    /// </summary>
    public static void StripManagedFields(IKubernetesObject<V1ObjectMeta> obj)
    {
        if (obj.Metadata is { } metadata)
        {
            metadata.ManagedFields = null;
        }
    }

    /// <summary>
    /// Keeps only what says an object exists: name, namespace and resourceVersion (which the informer itself needs).
    /// For caches that answer "is this name taken?" — Secrets that are not ours, of which a cluster may hold tens of
    /// thousands with large labels and annotations (Helm release Secrets).
    /// </summary>
    public static void KeepIdentity(IKubernetesObject<V1ObjectMeta> obj)
    {
        if (obj.Metadata is { } metadata)
        {
            obj.Metadata = new V1ObjectMeta { Name = metadata.Name, NamespaceProperty = metadata.NamespaceProperty, ResourceVersion = metadata.ResourceVersion };
        }
    }

    /// <summary><see cref="StripManagedFields"/>, then <see cref="ShareStrings"/> with <paramref name="pool"/>.</summary>
    public static Action<IKubernetesObject<V1ObjectMeta>> StripManagedFieldsAndShareStrings(StringPool pool) => obj =>
    {
        StripManagedFields(obj);
        ShareStrings(obj, pool);
    };

    /// <summary>
    /// Replaces the strings of a cached object that repeat across objects (apiVersion, kind, namespace, finalizers,
    /// label and annotation keys, Secret type and data keys, issuer references, condition types and reasons, …) with
    /// one instance from <paramref name="pool"/>, and a string that repeats within the object (a Secret's owner name,
    /// a token's secret name) with its own metadata.name. The deserializer allocates each of them afresh per object:
    /// they were about a third of a cached ServiceToken and its Secret (issue 9). The object's JSON stays the same.
    /// Only values from a small set go to the pool, never what is unique to one object (names, uids,
    /// resourceVersions, token ids, timestamps, Secret data values, messages naming the object): the pool's size
    /// then follows the cluster's variety, not its number of tokens.
    /// </summary>
    public static void ShareStrings(IKubernetesObject<V1ObjectMeta> obj, StringPool pool)
    {
        obj.ApiVersion = pool.Share(obj.ApiVersion);
        obj.Kind = pool.Share(obj.Kind);
        if (obj.Metadata is { } metadata)
        {
            ShareMetadata(metadata, pool);
        }

        switch (obj)
        {
            case ServiceToken token:
                ShareSpec(token.Spec, token.Metadata?.Name, pool);
                ShareStatus(token.Status, token.Metadata?.Name, pool);
                break;
            case V1Secret secret:
                secret.Type = pool.Share(secret.Type);
                secret.Data = ShareKeys(secret.Data, pool);
                break;
        }
    }

    private static void ShareMetadata(V1ObjectMeta metadata, StringPool pool)
    {
        var name = metadata.Name;
        metadata.NamespaceProperty = pool.Share(metadata.NamespaceProperty);
        ShareItems(metadata.Finalizers, pool);
        Fit(metadata.Finalizers);
        Fit(metadata.OwnerReferences);
        // Label values are the user's; only the operator's own managed-by label has a value from a small set.
        metadata.Labels = ShareKeys(metadata.Labels, pool, SecretLabels.ManagedBy);
        metadata.Annotations = ShareKeys(metadata.Annotations, pool);
        if (metadata.Annotations?.TryGetValue(SecretLabels.ServiceToken, out var owner) == true && owner == name)
        {
            metadata.Annotations[SecretLabels.ServiceToken] = name;
        }

        foreach (var reference in metadata.OwnerReferences ?? [])
        {
            reference.ApiVersion = pool.Share(reference.ApiVersion);
            reference.Kind = pool.Share(reference.Kind);
            reference.Name = SameAs(reference.Name, name);
        }
    }

    private static void ShareSpec(ServiceTokenSpec? spec, string? name, StringPool pool)
    {
        if (spec is null) return;
        if (spec.IssuerRef is { } issuerRef)
        {
            issuerRef.Kind = pool.Share(issuerRef.Kind);
            issuerRef.Name = pool.Share(issuerRef.Name);
        }

        if (spec.PlanetScale is { } planetScale)
        {
            planetScale.Ttl = pool.Share(planetScale.Ttl);
            Fit(planetScale.Accesses);
            foreach (var access in planetScale.Accesses ?? [])
            {
                access.Database = pool.Share(access.Database);
                ShareItems(access.Permissions, pool);
                Fit(access.Permissions);
            }
        }

        ShareItems(spec.Akka?.Scopes, pool);
        if (spec.Secret is { } target)
        {
            target.Name = SameAs(target.Name, name);
            target.CreationPolicy = pool.Share(target.CreationPolicy);
            if (target.Template is { } template)
            {
                template.Labels = ShareKeys(template.Labels, pool);
                template.Annotations = ShareKeys(template.Annotations, pool);
                template.Data = ShareKeys(template.Data, pool);
            }
        }

        if (spec.Rotation is { } rotation)
        {
            rotation.Every = pool.Share(rotation.Every);
            rotation.Schedule = pool.Share(rotation.Schedule);
            rotation.TimeZone = pool.Share(rotation.TimeZone);
            rotation.GracePeriod = pool.Share(rotation.GracePeriod);
            foreach (var restart in rotation.RestartTargets ?? [])
            {
                restart.Kind = pool.Share(restart.Kind);
            }
        }

        spec.DeletionPolicy = pool.Share(spec.DeletionPolicy);
    }

    private static void ShareStatus(ServiceTokenStatus? status, string? name, StringPool pool)
    {
        if (status is null) return;
        status.Issuer = pool.Share(status.Issuer);
        // A hash of the issuer, ttl, scopes and accesses only: as many values as there are distinct requests.
        status.RequestHash = pool.Share(status.RequestHash);
        status.SecretName = SameAs(status.SecretName, name);
        Fit(status.Conditions);
        foreach (var condition in status.Conditions ?? [])
        {
            condition.Type = pool.Share(condition.Type);
            condition.Status = pool.Share(condition.Status);
            condition.Reason = pool.Share(condition.Reason);
            if (IsGeneric(condition.Message, name, status))
            {
                condition.Message = pool.Share(condition.Message);
            }
        }

        foreach (var pending in status.PendingRevocations ?? [])
        {
            pending.Issuer = pool.Share(pending.Issuer);
        }

        if (status.LastFailure is { } failure)
        {
            failure.Reason = pool.Share(failure.Reason);
        }
    }

    /// <summary>
    /// Whether a condition message may repeat across tokens ("no rotation in progress"): it names neither this token
    /// nor its Secret or vendor token, and holds no digit (revisions, counts, times, vendor request ids).
    /// </summary>
    private static bool IsGeneric(string? message, string? name, ServiceTokenStatus status) =>
        message is not null
        && !message.AsSpan().ContainsAnyInRange('0', '9')
        && !Mentions(message, name) && !Mentions(message, status.SecretName) && !Mentions(message, status.TokenId) && !Mentions(message, status.TokenName);

    private static bool Mentions(string message, string? value) => !string.IsNullOrEmpty(value) && message.Contains(value, StringComparison.Ordinal);

    // The object's own name when equal to it: one string instead of two.
    private static string? SameAs(string? value, string? name) => value is not null && value == name ? name : value;

    // The deserializer grows lists from 4 items: one finalizer, owner or access kept 3 empty slots (≈ 90 B per token
    // with its Secret). The list stays a List, so a reader that copies and extends it works as before.
    private static void Fit<T>(IList<T>? items)
    {
        if (items is List<T> list) list.TrimExcess();
    }

    private static void ShareItems(IList<string>? items, StringPool pool)
    {
        if (items is null) return;
        for (var i = 0; i < items.Count; i++)
        {
            items[i] = pool.Share(items[i]);
        }
    }

    // Keys cannot be replaced in place: the map is rebuilt, in the same order (the JSON stays the same), sized to fit.
    private static Dictionary<string, TValue>? ShareKeys<TValue>(IDictionary<string, TValue>? map, StringPool pool)
    {
        if (map is null) return null;
        var shared = new Dictionary<string, TValue>(map.Count);
        foreach (var (key, value) in map)
        {
            shared[pool.Share(key)] = value;
        }

        return shared;
    }

    private static Dictionary<string, string>? ShareKeys(IDictionary<string, string>? map, StringPool pool, string sharedValueKey)
    {
        if (map is null) return null;
        var shared = new Dictionary<string, string>(map.Count);
        foreach (var (key, value) in map)
        {
            shared[pool.Share(key)] = key == sharedValueKey ? pool.Share(value) : value;
        }

        return shared;
    }
}
