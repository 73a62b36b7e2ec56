using System.Text;
using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>
/// The cluster state: every object as an immutable JsonObject, one global resourceVersion counter, the watch
/// cache, and the controllers a real cluster runs inline (CRD registration, namespace cleanup, garbage
/// collection). Stored objects are never mutated: a write stores a new tree, so watchers may read them freely.
/// </summary>
internal sealed class ObjectStore
{
    private const string NamespacesKey = "/namespaces";
    private const string CrdKey = "apiextensions.k8s.io/customresourcedefinitions";
    private const string ForegroundFinalizer = "foregroundDeletion";
    private const string NameChars = "bcdfghjklmnpqrstvwxz2456789";

    private readonly Lock _gate = new();
    private readonly ResourceRegistry _registry;
    private readonly TimeProvider _time;
    private readonly int _cacheSize;
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> _objects = [];
    private readonly Dictionary<string, (string Key, string ObjectKey)> _byUid = [];
    private readonly Dictionary<string, HashSet<(string Key, string ObjectKey)>> _dependents = [];
    private readonly Queue<Change> _history = new();
    private readonly List<WatchSubscription> _watchers = [];
    private long _rv;
    private long _compactedRv;

    public ObjectStore(ResourceRegistry registry, TimeProvider time, int watchCacheSize)
    {
        _registry = registry;
        _time = time;
        _cacheSize = Math.Max(1, watchCacheSize);
    }

    public string CurrentResourceVersion
    {
        get { lock (_gate) return _rv.ToString(System.Globalization.CultureInfo.InvariantCulture); }
    }

    /// <summary>Now, as metadata timestamps print it.</summary>
    public string Now() => ObjectAdmission.Timestamp(_time);

    /// <summary>The stored objects of a resource, shared and never to be mutated (for the authorizer's reads).</summary>
    public IReadOnlyList<JsonObject> Snapshot(string key)
    {
        lock (_gate)
        {
            return Objects(key).Values.ToList();
        }
    }

    public JsonObject Get(ResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            return Present(Find(type.Key, ns, name) ?? throw KubeApiException.NotFound(type, name), type);
        }
    }

    /// <summary>
    /// Lists the current state, or with <paramref name="exactRv"/> the state as it was at that resourceVersion
    /// (rebuilt from the watch cache; 410 Expired once compacted, 504 when it is still in the future). With
    /// <paramref name="partialApiVersion"/> each item is its PartialObjectMetadata of that meta.k8s.io version,
    /// so a metadata-only list never copies Secret data.
    /// </summary>
    public ListResult List(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields, int limit, string? continueToken, long? exactRv = null, long? minimumRv = null, string? partialApiVersion = null)
    {
        Func<JsonObject, ResourceType, JsonObject> present = partialApiVersion is null ? Present : (stored, _) => PartialObjectMetadata.From(stored, partialApiVersion);
        lock (_gate)
        {
            var wanted = exactRv ?? minimumRv ?? 0;
            if (wanted > _rv)
            {
                throw new KubeApiException(504, "Timeout", $"Too large resource version: {wanted}, current: {_rv}",
                    new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ResourceVersionTooLarge", ["message"] = "Too large resource version" }), ["retryAfterSeconds"] = 1 });
            }

            if (exactRv is { } at && at < _compactedRv)
            {
                throw new KubeApiException(410, "Expired", $"The resourceVersion for the provided list is too old: {at} ({_compactedRv + 1})");
            }

            var start = continueToken is null ? null : DecodeContinue(continueToken);
            var source = exactRv is { } snapshotRv && snapshotRv < _rv ? SnapshotAt(type.Key, snapshotRv) : Objects(type.Key);
            var matching = source
                .Where(p => ns is null || p.Key.StartsWith(ns + "/", StringComparison.Ordinal))
                .Where(p => start is null || string.CompareOrdinal(p.Key, start) > 0)
                .Where(p => labels.Matches(p.Value) && fields.Matches(p.Value));
            var rv = (exactRv ?? _rv).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (limit <= 0)
            {
                return new ListResult(matching.Select(p => present(p.Value, type)).ToList(), rv, null, null);
            }

            var page = matching.Take(limit + 1).ToList();
            if (page.Count <= limit)
            {
                return new ListResult(page.Select(p => present(p.Value, type)).ToList(), rv, null, null);
            }

            page.RemoveAt(page.Count - 1);
            var remaining = matching.Count() - limit;
            var next = Convert.ToBase64String(Encoding.UTF8.GetBytes(page[^1].Key));
            return new ListResult(page.Select(p => present(p.Value, type)).ToList(), rv, next, remaining);
        }
    }

    /// <summary>A resource's objects as they were at <paramref name="rv"/>: today's, with every later change undone.</summary>
    private SortedDictionary<string, JsonObject> SnapshotAt(string key, long rv)
    {
        var snapshot = new SortedDictionary<string, JsonObject>(Objects(key), StringComparer.Ordinal);
        foreach (var change in _history.Where(c => c.Rv > rv && c.Key == key).Reverse())
        {
            var objectKey = ObjectKey(Namespace(change.Object), Str(change.Object, "name")!);
            if (change.Before is null)
            {
                snapshot.Remove(objectKey);
            }
            else
            {
                snapshot[objectKey] = change.Before;
            }
        }

        return snapshot;
    }

    public JsonObject Create(ResourceType type, string? ns, JsonObject body, WriteOptions options)
    {
        lock (_gate)
        {
            return CreateLocked(type, ns, body, options);
        }
    }

    public JsonObject Update(ResourceType type, string? ns, string name, JsonObject body, bool status, WriteOptions options)
    {
        lock (_gate)
        {
            var old = Find(type.Key, ns, name) ?? throw KubeApiException.NotFound(type, name);
            return UpdateLocked(type, old, body, status, options);
        }
    }

    /// <summary>Patches the current object; with <paramref name="createIfMissing"/> (server-side apply) a missing one is created.</summary>
    public (JsonObject Result, bool Created) Patch(
        ResourceType type, string? ns, string name, Func<JsonObject?, JsonObject> patch, bool status, bool createIfMissing, WriteOptions options)
    {
        lock (_gate)
        {
            var old = Find(type.Key, ns, name);
            if (old is null)
            {
                if (!createIfMissing || status)
                {
                    throw KubeApiException.NotFound(type, name);
                }

                return (CreateLocked(type, ns, patch(null), options), true);
            }

            var patched = patch(Present(old, type));
            return (UpdateLocked(type, old, patched, status, options), false);
        }
    }

    /// <summary>Deletes an object: it is removed now, or only marked (deletionTimestamp) while finalizers remain.</summary>
    public (JsonObject Object, bool Removed) Delete(ResourceType type, string? ns, string name, DeleteOptions options)
    {
        lock (_gate)
        {
            var old = Find(type.Key, ns, name) ?? throw KubeApiException.NotFound(type, name);
            var uid = Str(old, "uid");
            if (options.PreconditionUid is { Length: > 0 } wantUid && wantUid != uid)
            {
                throw KubeApiException.Conflict(type, name, $"Precondition failed: UID in precondition: {wantUid}, UID in object meta: {uid}");
            }

            if (options.PreconditionResourceVersion is { Length: > 0 } wantRv && wantRv != Str(old, "resourceVersion"))
            {
                throw KubeApiException.Conflict(type, name, $"Precondition failed: ResourceVersion in precondition: {wantRv}, ResourceVersion in object meta: {Str(old, "resourceVersion")}");
            }

            if (options.DryRun)
            {
                return (Present(old, type), false);
            }

            return DeleteLocked(type.Key, old, options.PropagationPolicy ?? "Background");
        }
    }

    public IReadOnlyList<JsonObject> DeleteCollection(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields, DeleteOptions options)
    {
        lock (_gate)
        {
            var victims = Objects(type.Key)
                .Where(p => ns is null || p.Key.StartsWith(ns + "/", StringComparison.Ordinal))
                .Where(p => labels.Matches(p.Value) && fields.Matches(p.Value))
                .Select(p => p.Value).ToList();
            var results = new List<JsonObject>();
            foreach (var victim in victims)
            {
                if (options.DryRun)
                {
                    results.Add(Present(victim, type));
                }
                else if (Live(type.Key, victim) is { } live)
                {
                    results.Add(Present(DeleteLocked(type.Key, live, options.PropagationPolicy ?? "Background").Object, type));
                }
            }

            return results;
        }
    }

    /// <summary>Opens a watch; null when <paramref name="resourceVersion"/> is older than the watch cache (410 Gone).</summary>
    public WatchSubscription? Watch(
        ResourceType type, string? ns, LabelSelector labels, FieldSelector fields, string? resourceVersion, bool sendInitialEvents, out string goneMessage)
    {
        goneMessage = string.Empty;
        lock (_gate)
        {
            var subscription = new WatchSubscription(type, ns, labels, fields);
            var fromRv = long.TryParse(resourceVersion, out var parsed) ? parsed : 0;
            if (fromRv > 0 && !sendInitialEvents)
            {
                if (fromRv < _compactedRv)
                {
                    goneMessage = $"too old resource version: {fromRv} ({_compactedRv + 1})";
                    return null;
                }

                foreach (var change in _history.Where(c => c.Rv > fromRv && c.Key == type.Key))
                {
                    subscription.Offer(change.Type, change.Before, change.Object);
                }
            }
            else
            {
                subscription.InitialEvents = Objects(type.Key).Count(p => subscription.Offer("ADDED", null, p.Value));
            }

            subscription.ProgressRv = _rv;
            _watchers.Add(subscription);
            return subscription;
        }
    }

    public void Unwatch(WatchSubscription subscription)
    {
        lock (_gate)
        {
            _watchers.Remove(subscription);
        }

        subscription.Complete();
    }

    /// <summary>Drops the watch cache: every resourceVersion up to now becomes too old to watch from.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _history.Clear();
            _compactedRv = _rv;
        }
    }

    /// <summary>Deletes dependents all of whose owners are gone, as the garbage collector does eventually.</summary>
    public void CollectOrphans()
    {
        lock (_gate)
        {
            // Through the owner index: scanning every object each second held the lock for O(objects).
            var orphans = _dependents.Where(d => !_byUid.ContainsKey(d.Key))
                .SelectMany(d => d.Value).Distinct()
                .Select(d => (d.Key, Object: Objects(d.Key)[d.ObjectKey]))
                .Where(p => OwnerUids(p.Object).All(uid => !_byUid.ContainsKey(uid)))
                .ToList();
            foreach (var (key, obj) in orphans)
            {
                if (Find(key, Namespace(obj), Str(obj, "name")!) is { } current && current["metadata"]?["deletionTimestamp"] is null)
                {
                    DeleteLocked(key, current, "Background");
                }
            }
        }
    }

    private JsonObject CreateLocked(ResourceType type, string? ns, JsonObject body, WriteOptions options)
    {
        var obj = Stored(body, type);
        var metadata = obj["metadata"] as JsonObject ?? [];
        obj["metadata"] = metadata;
        obj["apiVersion"] = type.ApiVersion;
        obj["kind"] = type.Kind;
        if (type.Namespaced)
        {
            var bodyNs = metadata["namespace"]?.GetValue<string>();
            if (bodyNs is { Length: > 0 } && ns is not null && bodyNs != ns)
            {
                throw KubeApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }

            ns ??= bodyNs ?? "default";
            metadata["namespace"] = ns;
            var owner = Find(NamespacesKey, null, ns) ?? throw new KubeApiException(404, "NotFound", $"namespaces \"{ns}\" not found",
                new JsonObject { ["name"] = ns, ["kind"] = "namespaces" });
            if (owner["metadata"]?["deletionTimestamp"] is not null)
            {
                throw new KubeApiException(403, "Forbidden",
                    $"{type.GroupResource} \"{Str(obj, "name") ?? Str(obj, "generateName")}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
                    new JsonObject { ["name"] = Str(obj, "name"), ["group"] = type.Group, ["kind"] = type.Plural });
            }
        }
        else
        {
            metadata.Remove("namespace");
        }

        if (Str(obj, "name") is not { Length: > 0 })
        {
            if (Str(obj, "generateName") is not { Length: > 0 } prefix)
            {
                throw KubeApiException.Invalid(type, string.Empty, [new ValidationCause("FieldValueRequired", "metadata.name", "Required value: name or generateName is required")]);
            }

            metadata["name"] = prefix + new string(Enumerable.Range(0, 5).Select(_ => NameChars[Random.Shared.Next(NameChars.Length)]).ToArray());
        }

        var name = Str(obj, "name")!;
        if (type.HasStatus && type.Key != NamespacesKey)
        {
            obj.Remove("status");
        }

        var applied = options.Apply ? metadata["managedFields"]?.DeepClone() as JsonArray : null;

        foreach (var field in new[] { "deletionTimestamp", "deletionGracePeriodSeconds", "resourceVersion", "uid", "generation", "creationTimestamp", "managedFields", "selfLink" })
        {
            metadata.Remove(field);
        }

        ObjectAdmission.Admit(type, obj, null, options, _time);
        if (Find(type.Key, ns, name) is not null)
        {
            throw KubeApiException.AlreadyExists(type, name);
        }

        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = ObjectAdmission.Timestamp(_time);
        if (type.TracksGeneration)
        {
            metadata["generation"] = 1;
        }

        if ((applied ?? ManagedFields.AfterUpdate(null, obj, null, type, options.Manager, null, Now())) is { } managed)
        {
            metadata["managedFields"] = managed;
        }

        if (options.DryRun)
        {
            return Present(obj, type);
        }

        var stored = Commit(type.Key, ns, name, "ADDED", null, obj);
        if (type.Key == CrdKey)
        {
            _registry.Register(stored);
        }

        return Present(stored, type);
    }

    private JsonObject UpdateLocked(ResourceType type, JsonObject old, JsonObject body, bool status, WriteOptions options)
    {
        var name = Str(old, "name")!;
        var ns = Namespace(old);
        if (Str(body, "name") is { } bodyName && bodyName != name)
        {
            throw KubeApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }

        if (Str(body, "resourceVersion") is { Length: > 0 } rv && rv != Str(old, "resourceVersion"))
        {
            throw KubeApiException.StaleResourceVersion(type, name);
        }

        if (Str(body, "uid") is { Length: > 0 } uid && uid != Str(old, "uid"))
        {
            throw KubeApiException.Conflict(type, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {Str(old, "uid")}");
        }

        JsonObject obj;
        if (status)
        {
            obj = old.DeepClone().AsObject();
            obj.Remove("status");
            if (body["status"] is { } newStatus)
            {
                obj["status"] = newStatus.DeepClone();
            }
        }
        else
        {
            obj = Stored(body, type);
            if (type.HasStatus)
            {
                obj.Remove("status");
                if (old["status"] is { } oldStatus)
                {
                    obj["status"] = oldStatus.DeepClone();
                }
            }

            var metadata = obj["metadata"] as JsonObject ?? [];
            obj["metadata"] = metadata;
            foreach (var field in new[] { "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "namespace" })
            {
                metadata.Remove(field);
                if (old["metadata"]![field] is { } kept)
                {
                    metadata[field] = kept.DeepClone();
                }
            }

            metadata["name"] = name;
            if (metadata["managedFields"] is not JsonArray)
            {
                // A writer that leaves managedFields out keeps them; one that sends them (even []) replaces them.
                metadata.Remove("managedFields");
                if (old["metadata"]?["managedFields"] is { } kept)
                {
                    metadata["managedFields"] = kept.DeepClone();
                }
            }
        }

        obj["apiVersion"] = type.ApiVersion;
        obj["kind"] = type.Kind;
        var objMeta = obj["metadata"]!.AsObject();
        if (old["metadata"]?["deletionTimestamp"] is not null)
        {
            var oldFinalizers = Finalizers(old);
            var added = Finalizers(obj).Where(f => !oldFinalizers.Contains(f)).ToList();
            if (added.Count > 0)
            {
                throw KubeApiException.Invalid(type, name, [new ValidationCause("FieldValueForbidden", "metadata.finalizers",
                    $"Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{{\"{string.Join("\", \"", added)}\"}}")]);
            }
        }

        if (!status)
        {
            ObjectAdmission.Admit(type, obj, old, options, _time);
        }
        else if (type.IsCustom && type.Schema is { } schema)
        {
            SchemaValidator.Prune(obj, schema);
            SchemaValidator.ApplyDefaults(obj, schema);
            var causes = SchemaValidator.Validate(obj, schema);
            if (causes.Count > 0)
            {
                throw KubeApiException.Invalid(type, name, causes);
            }
        }

        if (type.TracksGeneration && SpecChanged(type, old, obj))
        {
            objMeta["generation"] = (old["metadata"]?["generation"] is { } generation ? JsonNumbers.ToInt64(generation) : 0) + 1;
        }

        if (!options.Apply)
        {
            var managed = ManagedFields.AfterUpdate(old, obj, objMeta["managedFields"] as JsonArray, type, options.Manager, status ? "status" : null, Now());
            objMeta.Remove("managedFields");
            if (managed is not null)
            {
                objMeta["managedFields"] = managed;
            }
        }

        objMeta["resourceVersion"] = Str(old, "resourceVersion");
        if (JsonNode.DeepEquals(obj, StripApiVersion(old, type)))
        {
            // A write that changes nothing is a no-op: no new resourceVersion, no watch event.
            return Present(old, type);
        }

        if (options.DryRun)
        {
            return Present(obj, type);
        }

        if (objMeta["deletionTimestamp"] is not null && Finalizers(obj).Count == 0)
        {
            return Present(Remove(type.Key, old, obj), type);
        }

        var stored = Commit(type.Key, ns, name, "MODIFIED", old, obj);
        if (type.Key == CrdKey)
        {
            _registry.Register(stored);
        }

        return Present(stored, type);
    }

    private (JsonObject Object, bool Removed) DeleteLocked(string key, JsonObject old, string policy)
    {
        var name = Str(old, "name")!;
        var ns = Namespace(old);
        var uid = Str(old, "uid")!;
        if (key == NamespacesKey)
        {
            return (TerminateNamespace(old), false);
        }

        if (policy == "Orphan")
        {
            foreach (var (depKey, dependent) in Dependents(uid))
            {
                var updated = dependent.DeepClone().AsObject();
                var refs = updated["metadata"]!["ownerReferences"]!.AsArray();
                var kept = refs.Where(r => r?["uid"]?.GetValue<string>() != uid).Select(r => r!.DeepClone()).ToArray();
                updated["metadata"]!.AsObject().Remove("ownerReferences");
                if (kept.Length > 0)
                {
                    updated["metadata"]!["ownerReferences"] = new JsonArray(kept);
                }

                Commit(depKey, Namespace(dependent), Str(dependent, "name")!, "MODIFIED", dependent, updated);
            }
        }

        var finalizers = Finalizers(old);
        if (policy == "Foreground" && Dependents(uid).Count > 0 && !finalizers.Contains(ForegroundFinalizer))
        {
            finalizers.Add(ForegroundFinalizer);
        }

        if (finalizers.Count == 0)
        {
            return (Remove(key, old, old.DeepClone().AsObject()), true);
        }

        var current = old;
        if (old["metadata"]?["deletionTimestamp"] is null || !Finalizers(old).SequenceEqual(finalizers))
        {
            var marked = old.DeepClone().AsObject();
            var metadata = marked["metadata"]!.AsObject();
            metadata["deletionTimestamp"] ??= ObjectAdmission.Timestamp(_time);
            metadata["deletionGracePeriodSeconds"] ??= 0;
            metadata["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode)f).ToArray());
            current = Commit(key, ns, name, "MODIFIED", old, marked);
        }

        if (policy == "Foreground")
        {
            foreach (var (depKey, dependent) in Dependents(uid))
            {
                if (Live(depKey, dependent) is { } live)
                {
                    DeleteLocked(depKey, live, "Foreground");
                }
            }

            // The last dependent's removal may already have released and removed the owner.
            if (Find(key, ns, name) is { } stillThere)
            {
                ReleaseForeground(key, stillThere);
            }
        }

        return (Find(key, ns, name) ?? current, false);
    }

    private JsonObject TerminateNamespace(JsonObject ns)
    {
        var name = Str(ns, "name")!;
        var current = ns;
        if (ns["metadata"]?["deletionTimestamp"] is null)
        {
            var marked = ns.DeepClone().AsObject();
            marked["metadata"]!["deletionTimestamp"] = ObjectAdmission.Timestamp(_time);
            marked["metadata"]!["deletionGracePeriodSeconds"] = 0;
            marked["status"] = new JsonObject { ["phase"] = "Terminating" };
            current = Commit(NamespacesKey, null, name, "MODIFIED", ns, marked);
        }

        foreach (var key in _objects.Keys.ToList())
        {
            foreach (var obj in Objects(key).Where(p => p.Key.StartsWith(name + "/", StringComparison.Ordinal)).Select(p => p.Value).ToList())
            {
                if (Find(key, name, Str(obj, "name")!) is { } live)
                {
                    DeleteLocked(key, live, "Background");
                }
            }
        }

        ReapNamespace(name);
        return Present(Find(NamespacesKey, null, name) ?? current, _registry.ByKey(NamespacesKey)!);
    }

    private void ReapNamespace(string name)
    {
        if (Find(NamespacesKey, null, name) is not { } ns || ns["metadata"]?["deletionTimestamp"] is null)
        {
            return;
        }

        var empty = _objects.Where(k => k.Key != NamespacesKey).All(k => !k.Value.Keys.Any(o => o.StartsWith(name + "/", StringComparison.Ordinal)));
        if (empty)
        {
            Remove(NamespacesKey, ns, ns.DeepClone().AsObject());
        }
    }

    /// <summary>Takes an object out of the store and runs what follows: CRD teardown, GC, namespace and foreground cleanup.</summary>
    private JsonObject Remove(string key, JsonObject old, JsonObject last)
    {
        var name = Str(old, "name")!;
        var ns = Namespace(old);
        var uid = Str(old, "uid")!;
        _rv++;
        last["metadata"]!["resourceVersion"] = Rv();
        Objects(key).Remove(ObjectKey(ns, name));
        IndexOwners(key, ObjectKey(ns, name), old, null);
        _byUid.Remove(uid);
        Record(new Change(_rv, key, "DELETED", old, last));

        if (key == CrdKey)
        {
            var resourceKey = $"{last["spec"]?["group"]}/{last["spec"]?["names"]?["plural"]}";
            foreach (var cr in Objects(resourceKey).Values.ToList())
            {
                Remove(resourceKey, cr, cr.DeepClone().AsObject());
            }

            _registry.Unregister(name);

            // The resource is gone: its watches end, as the apiserver closes them.
            foreach (var watcher in _watchers.Where(w => w.Type.Key == resourceKey).ToList())
            {
                _watchers.Remove(watcher);
                watcher.Complete();
            }
        }

        foreach (var (depKey, dependent) in Dependents(uid))
        {
            // Earlier iterations may have collected or changed this dependent already.
            if (Live(depKey, dependent) is not { } live)
            {
                continue;
            }

            var otherOwners = live["metadata"]!["ownerReferences"]!.AsArray()
                .Any(r => r?["uid"]?.GetValue<string>() is { } u && u != uid && _byUid.ContainsKey(u));
            if (otherOwners)
            {
                var updated = live.DeepClone().AsObject();
                updated["metadata"]!["ownerReferences"] = new JsonArray(updated["metadata"]!["ownerReferences"]!.AsArray()
                    .Where(r => r?["uid"]?.GetValue<string>() != uid).Select(r => r!.DeepClone()).ToArray());
                Commit(depKey, Namespace(live), Str(live, "name")!, "MODIFIED", live, updated);
            }
            else if (live["metadata"]?["deletionTimestamp"] is null || Finalizers(live).Count == 0)
            {
                DeleteLocked(depKey, live, "Background");
            }
        }

        foreach (var ownerRef in (old["metadata"]?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (ownerRef["uid"]?.GetValue<string>() is { } ownerUid && _byUid.TryGetValue(ownerUid, out var at)
                && Objects(at.Key).TryGetValue(at.ObjectKey, out var owner))
            {
                ReleaseForeground(at.Key, owner);
            }
        }

        if (ns is not null)
        {
            ReapNamespace(ns);
        }

        return last;
    }

    private void ReleaseForeground(string key, JsonObject owner)
    {
        var finalizers = Finalizers(owner);
        if (!finalizers.Contains(ForegroundFinalizer) || Dependents(Str(owner, "uid")!).Count > 0)
        {
            return;
        }

        finalizers.Remove(ForegroundFinalizer);
        var updated = owner.DeepClone().AsObject();
        updated["metadata"]!["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode)f).ToArray());
        if (finalizers.Count == 0)
        {
            Remove(key, owner, updated);
        }
        else
        {
            Commit(key, Namespace(owner), Str(owner, "name")!, "MODIFIED", owner, updated);
        }
    }

    private List<(string Key, JsonObject Object)> Dependents(string ownerUid) =>
        _dependents.TryGetValue(ownerUid, out var dependents)
            ? dependents.Select(d => (d.Key, Objects(d.Key)[d.ObjectKey])).ToList()
            : [];

    /// <summary>Keeps the owner-uid → dependents index (garbage collection would otherwise scan every object).</summary>
    private void IndexOwners(string key, string objectKey, JsonObject? before, JsonObject? after)
    {
        foreach (var uid in OwnerUids(before))
        {
            if (_dependents.TryGetValue(uid, out var set) && set.Remove((key, objectKey)) && set.Count == 0)
            {
                _dependents.Remove(uid);
            }
        }

        foreach (var uid in OwnerUids(after))
        {
            if (!_dependents.TryGetValue(uid, out var set))
            {
                set = [];
                _dependents[uid] = set;
            }

            set.Add((key, objectKey));
        }
    }

    private static IEnumerable<string> OwnerUids(JsonObject? obj) =>
        (obj?["metadata"]?["ownerReferences"] as JsonArray ?? []).Select(r => r?["uid"]?.GetValue<string>()).OfType<string>();

    private JsonObject Commit(string key, string? ns, string name, string eventType, JsonObject? before, JsonObject obj)
    {
        _rv++;
        obj["metadata"]!["resourceVersion"] = Rv();
        var stored = obj.DeepClone().AsObject();
        IndexOwners(key, ObjectKey(ns, name), Find(key, ns, name), stored);
        Objects(key)[ObjectKey(ns, name)] = stored;
        _byUid[Str(stored, "uid")!] = (key, ObjectKey(ns, name));
        Record(new Change(_rv, key, eventType, before, stored));
        return stored;
    }

    private void Record(Change change)
    {
        _history.Enqueue(change);
        while (_history.Count > _cacheSize)
        {
            _compactedRv = _history.Dequeue().Rv;
        }

        foreach (var watcher in _watchers)
        {
            if (watcher.Type.Key == change.Key)
            {
                watcher.Offer(change.Type, change.Before, change.Object);
            }

            watcher.ProgressRv = _rv;
        }
    }

    private static bool SpecChanged(ResourceType type, JsonObject old, JsonObject updated)
    {
        var a = old.DeepClone().AsObject();
        var b = updated.DeepClone().AsObject();
        foreach (var field in new[] { "metadata", "apiVersion", "kind" })
        {
            a.Remove(field);
            b.Remove(field);
        }

        if (type.HasStatus)
        {
            a.Remove("status");
            b.Remove("status");
        }

        return !JsonNode.DeepEquals(a, b);
    }

    /// <summary>A writer's body in the stored shape.</summary>
    private static JsonObject Stored(JsonObject body, ResourceType type) =>
        type.Group == EventConversion.Group ? EventConversion.ToCore(body) : body.DeepClone().AsObject();

    private static JsonObject StripApiVersion(JsonObject stored, ResourceType type)
    {
        if (stored["apiVersion"]?.GetValue<string>() == type.ApiVersion)
        {
            return stored;
        }

        var copy = stored.DeepClone().AsObject();
        copy["apiVersion"] = type.ApiVersion;
        return copy;
    }

    /// <summary>A caller's own copy, in the apiVersion it asked for (every version of a CRD shares storage).</summary>
    internal static JsonObject Present(JsonObject stored, ResourceType type)
    {
        var copy = type.Group == EventConversion.Group ? EventConversion.ToEventsV1(stored) : stored.DeepClone().AsObject();
        copy["apiVersion"] = type.ApiVersion;
        return copy;
    }

    private SortedDictionary<string, JsonObject> Objects(string key)
    {
        if (!_objects.TryGetValue(key, out var objects))
        {
            objects = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            _objects[key] = objects;
        }

        return objects;
    }

    /// <summary>The stored version of an object seen earlier, or null when it is gone (or replaced by a namesake).</summary>
    private JsonObject? Live(string key, JsonObject seen) =>
        Find(key, Namespace(seen), Str(seen, "name")!) is { } live && Str(live, "uid") == Str(seen, "uid") ? live : null;

    private JsonObject? Find(string key, string? ns, string name) =>
        Objects(key).TryGetValue(ObjectKey(ns, name), out var obj) ? obj : null;

    private string Rv() => _rv.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string ObjectKey(string? ns, string name) => $"{ns}/{name}";

    private static string? Namespace(JsonObject obj) => Str(obj, "namespace");

    private static string? Str(JsonObject obj, string field) => obj["metadata"]?[field]?.GetValue<string>();

    private static List<string> Finalizers(JsonObject obj) =>
        (obj["metadata"]?["finalizers"] as JsonArray ?? []).Select(f => f!.GetValue<string>()).ToList();

    private static string DecodeContinue(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw KubeApiException.BadRequest("continue key is not valid: illegal base64 data");
        }
    }

    private sealed record Change(long Rv, string Key, string Type, JsonObject? Before, JsonObject Object);
}
