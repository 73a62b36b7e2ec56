using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>
/// Field ownership as the apiserver tracks it in <c>metadata.managedFields</c> (FieldsV1): server-side apply
/// merges an applier's intent, removes the fields it stopped applying, and answers 409 with
/// FieldManagerConflict causes when it would change a field another manager owns (unless forced); every
/// other write moves the fields it changed to its manager (an update always "forces").
/// </summary>
/// <remarks>
/// A path is its FieldsV1 elements joined by <see cref="Separator"/>: <c>f:spec</c>, <c>k:{"name":"x"}</c>
/// for an item of an associative list, <c>v:"x"</c> for an item of a set. Lists of built-ins are associative
/// by their strategic-merge key; lists of custom resources by their x-kubernetes-list-type (atomic by default).
/// </remarks>
internal static class ManagedFields
{
    public const char Separator = '\u001f';

    private const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    private static readonly HashSet<string> Untracked =
        ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"];

    /// <summary>Server-side apply of <paramref name="config"/> onto <paramref name="live"/> (null: the object is created).</summary>
    public static JsonObject Apply(JsonObject? live, JsonObject config, ResourceType type, string manager, bool force, bool status, string now)
    {
        var scope = !type.HasStatus ? FieldScope.All : status ? FieldScope.Status : FieldScope.Main;
        var subresource = status ? "status" : null;
        var applied = Leaves(config, type, scope);
        var entries = live is null ? [] : Read(live);
        var self = entries.FirstOrDefault(e => e.Manager == manager && e.Operation == "Apply" && e.Subresource == subresource);
        var result = live?.DeepClone().AsObject() ?? [];
        var conflicts = new List<(FieldManagerEntry Owner, string Path)>();
        if (live is not null)
        {
            var merged = (JsonObject)Merge(result.DeepClone(), ScopedCopy(config, scope), string.Empty, type, type.Schema)!;
            foreach (var path in applied.Where(p => LastElement(p).StartsWith("f:", StringComparison.Ordinal)))
            {
                var (had, before) = Resolve(live, path);
                var (_, after) = Resolve(merged, path);
                if (!had || JsonNode.DeepEquals(before, after))
                {
                    continue;
                }

                conflicts.AddRange(entries.Where(e => !ReferenceEquals(e, self) && e.Fields.Contains(path)).Select(e => (e, path)));
            }
        }

        if (conflicts.Count > 0 && !force && manager == "kubectl" && AllowedByLastApplied(live!, type) is { } allowed)
        {
            // kubectl moving from client-side to server-side apply: what its last-applied annotation says
            // (and the object still shows) is the applier's own, so those conflicts are forced, as the
            // apiserver's last-applied manager does.
            var remaining = conflicts.Where(c => !allowed.Contains(c.Path)).ToList();
            force = remaining.Count == 0;
            conflicts = force ? conflicts : remaining;
        }

        if (conflicts.Count > 0 && !force)
        {
            throw ConflictError(type, Str(live!, "name") ?? string.Empty, conflicts);
        }

        foreach (var (owner, path) in conflicts)
        {
            owner.Fields.Remove(path);
        }

        if (self is not null)
        {
            var stillOwned = entries.Where(e => !ReferenceEquals(e, self)).SelectMany(e => e.Fields).ToHashSet(StringComparer.Ordinal);
            foreach (var path in self.Fields.Where(p => !applied.Contains(p) && !stillOwned.Contains(p)).OrderByDescending(p => p.Length))
            {
                // The applier stopped applying a field nobody else owns: it goes away, as in a real apply.
                Remove(result, path);
            }
        }

        result = (JsonObject)Merge(result, live is null ? config : ScopedCopy(config, scope), string.Empty, type, type.Schema)!;
        var updated = entries.Where(e => !ReferenceEquals(e, self)).ToList();
        updated.Add(new FieldManagerEntry(manager, "Apply", type.ApiVersion, self is not null && self.Fields.SetEquals(applied) ? self.Time : now, subresource, applied));
        Write(result, updated);
        return result;
    }

    private static HashSet<string>? AllowedByLastApplied(JsonObject live, ResourceType type)
    {
        if (live["metadata"]?["annotations"]?[LastAppliedAnnotation]?.GetValue<string>() is not { Length: > 0 } text)
        {
            return null;
        }

        JsonObject? lastApplied;
        try
        {
            lastApplied = JsonNode.Parse(text) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }

        if (lastApplied is null || lastApplied["apiVersion"]?.GetValue<string>() != type.ApiVersion)
        {
            return null;
        }

        return Leaves(lastApplied, type, FieldScope.All)
            .Where(p => Resolve(live, p) is (true, var value) && (!LastElement(p).StartsWith("f:", StringComparison.Ordinal) || JsonNode.DeepEquals(value, Resolve(lastApplied, p).Value)))
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Ownership after a create, update or non-apply patch: the fields the write added or changed become the
    /// manager's (an "Update" entry) and leave every other entry, as do the fields it removed.
    /// </summary>
    public static JsonArray? AfterUpdate(JsonObject? old, JsonObject updated, JsonArray? entriesJson, ResourceType type, string manager, string? subresource, string now)
    {
        var entries = entriesJson is null ? [] : ReadEntries(entriesJson);
        var oldSet = old is null ? [] : Leaves(old, type, FieldScope.All);
        var newSet = Leaves(updated, type, FieldScope.All);
        var changed = newSet.Where(p => !oldSet.Contains(p) || (LastElement(p).StartsWith("f:", StringComparison.Ordinal)
            && !JsonNode.DeepEquals(Resolve(old!, p).Value, Resolve(updated, p).Value))).ToHashSet(StringComparer.Ordinal);
        var removed = oldSet.Where(p => !newSet.Contains(p)).ToList();
        foreach (var entry in entries)
        {
            entry.Fields.ExceptWith(changed);
            entry.Fields.ExceptWith(removed);
        }

        var index = entries.FindIndex(e => e.Manager == manager && e.Operation == "Update" && e.Subresource == subresource);
        if (changed.Count > 0)
        {
            var fields = index >= 0 ? entries[index].Fields : new HashSet<string>(StringComparer.Ordinal);
            fields.UnionWith(changed);
            var entry = new FieldManagerEntry(manager, "Update", type.ApiVersion, now, subresource, fields);
            if (index >= 0)
            {
                entries[index] = entry;
            }
            else
            {
                entries.Add(entry);
            }
        }

        var kept = entries.Where(e => e.Fields.Count > 0).ToList();
        return kept.Count == 0 ? null : ToJson(kept);
    }

    /// <summary>The paths an object sets: what an applier claims, and what a write is compared on.</summary>
    public static HashSet<string> Leaves(JsonObject obj, ResourceType type, FieldScope scope)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in Scoped(obj, scope))
        {
            if (key is "apiVersion" or "kind" || value is null)
            {
                continue;
            }

            if (key == "metadata" && value is JsonObject metadata)
            {
                foreach (var (field, fieldValue) in metadata.Where(p => !Untracked.Contains(p.Key) && p.Value is not null))
                {
                    Walk(fieldValue!, $"f:metadata{Separator}f:{field}", field, type, null, set);
                }

                continue;
            }

            Walk(value, "f:" + key, key, type, Child(type.Schema, key), set);
        }

        return set;
    }

    /// <summary>The node a path names, and whether it exists.</summary>
    public static (bool Found, JsonNode? Value) Resolve(JsonNode root, string path)
    {
        JsonNode? node = root;
        foreach (var element in path.Split(Separator))
        {
            switch (node)
            {
                case JsonObject obj when element.StartsWith("f:", StringComparison.Ordinal):
                    if (!obj.TryGetPropertyValue(element[2..], out node))
                    {
                        return (false, null);
                    }

                    break;
                case JsonArray array when element.StartsWith("k:", StringComparison.Ordinal) || element.StartsWith("v:", StringComparison.Ordinal):
                    var index = IndexOf(array, element);
                    if (index < 0)
                    {
                        return (false, null);
                    }

                    node = array[index];
                    break;
                default:
                    return (false, null);
            }
        }

        return (true, node);
    }

    /// <summary>The path as apiserver messages print it: <c>.spec.containers[name="app"].image</c>.</summary>
    public static string Display(string path) => string.Concat(path.Split(Separator).Select(e => e[..2] switch
    {
        "f:" => "." + e[2..],
        "k:" => "[" + string.Join(",", JsonNode.Parse(e[2..])!.AsObject().Select(p => $"{p.Key}={p.Value?.ToJsonString()}")) + "]",
        _ => "[=" + e[2..] + "]",
    }));

    private static IEnumerable<KeyValuePair<string, JsonNode?>> Scoped(JsonObject obj, FieldScope scope) => scope switch
    {
        FieldScope.Main => obj.Where(p => p.Key != "status"),
        FieldScope.Status => obj.Where(p => p.Key == "status"),
        _ => obj,
    };

    private static JsonObject ScopedCopy(JsonObject config, FieldScope scope)
    {
        var copy = new JsonObject();
        foreach (var (key, value) in Scoped(config, scope))
        {
            copy[key] = value?.DeepClone();
        }

        return copy;
    }

    private static void Walk(JsonNode node, string path, string name, ResourceType type, JsonObject? schema, HashSet<string> set)
    {
        switch (node)
        {
            case JsonObject { Count: > 0 } obj:
                foreach (var (key, value) in obj.Where(p => p.Value is not null))
                {
                    Walk(value!, $"{path}{Separator}f:{key}", key, type, Child(schema, key), set);
                }

                break;
            case JsonArray array when ListKeys(name, array, type, schema) is { } key:
                foreach (var item in array)
                {
                    var itemPath = $"{path}{Separator}{ItemElement(item!, key)}";
                    set.Add(itemPath);
                    if (item is JsonObject itemObject)
                    {
                        foreach (var (field, value) in itemObject.Where(p => p.Value is not null))
                        {
                            Walk(value!, $"{itemPath}{Separator}f:{field}", field, type, Child(schema?["items"] as JsonObject, field), set);
                        }
                    }
                }

                break;
            default:
                set.Add(path);
                break;
        }
    }

    /// <summary>
    /// How a list merges: no keys for a set of primitives, its key fields for an associative list, null when
    /// atomic. Built-ins key by their strategic-merge key; custom resources follow x-kubernetes-list-type.
    /// </summary>
    private static string[]? ListKeys(string name, JsonArray array, ResourceType type, JsonObject? schema)
    {
        if (array.Count == 0)
        {
            return null;
        }

        if (name == "finalizers")
        {
            return array.All(i => i is JsonValue) ? [] : null;
        }

        if (type.IsCustom && name != "ownerReferences")
        {
            return schema?["x-kubernetes-list-type"]?.GetValue<string>() switch
            {
                "set" when array.All(i => i is JsonValue) => [],
                "map" when schema["x-kubernetes-list-map-keys"] is JsonArray { Count: > 0 } keys
                    && array.All(i => i is JsonObject) => keys.Select(k => k!.GetValue<string>()).ToArray(),
                _ => null,
            };
        }

        var key = name switch
        {
            "ownerReferences" => "uid",
            "conditions" => "type",
            "volumeMounts" => "mountPath",
            _ => "name",
        };
        return array.All(i => i is JsonObject o && o[key] is JsonValue) ? [key] : null;
    }

    private static string ItemElement(JsonNode item, string[] keys)
    {
        if (keys.Length == 0)
        {
            return "v:" + item.ToJsonString();
        }

        var key = new JsonObject();
        foreach (var name in keys.Where(k => item[k] is not null))
        {
            key[name] = item[name]!.DeepClone();
        }

        return "k:" + key.ToJsonString();
    }

    /// <summary>The schema of a field of an object (its property, or the schema of every value of a map).</summary>
    private static JsonObject? Child(JsonObject? schema, string field) =>
        schema?["properties"]?[field] as JsonObject ?? schema?["additionalProperties"] as JsonObject;

    private static int IndexOf(JsonArray array, string element)
    {
        var wanted = JsonNode.Parse(element[2..]);
        for (var i = 0; i < array.Count; i++)
        {
            var matches = element[0] == 'v'
                ? JsonNode.DeepEquals(array[i], wanted)
                : array[i] is JsonObject item && wanted!.AsObject().All(p => JsonNode.DeepEquals(item[p.Key], p.Value));
            if (matches)
            {
                return i;
            }
        }

        return -1;
    }

    private static string LastElement(string path) => path[(path.LastIndexOf(Separator) + 1)..];

    private static void Remove(JsonObject root, string path)
    {
        var cut = path.LastIndexOf(Separator);
        var (found, parent) = cut < 0 ? (true, root) : Resolve(root, path[..cut]);
        var last = LastElement(path);
        if (!found)
        {
            return;
        }

        if (parent is JsonObject obj && last.StartsWith("f:", StringComparison.Ordinal))
        {
            obj.Remove(last[2..]);
        }
        else if (parent is JsonArray array && IndexOf(array, last) is >= 0 and var index)
        {
            array.RemoveAt(index);
        }
    }

    /// <summary>Apply's merge: maps merge, associative lists merge by key, sets unite, everything else is replaced.</summary>
    private static JsonNode? Merge(JsonNode? target, JsonNode? config, string name, ResourceType type, JsonObject? schema)
    {
        switch (config)
        {
            case JsonObject configObject:
                {
                    var result = target as JsonObject ?? [];
                    foreach (var (key, value) in configObject.Where(p => p.Value is not null).ToList())
                    {
                        var merged = Merge(result[key]?.DeepClone(), value, key, type, Child(schema, key));
                        result[key] = merged;
                    }

                    return result;
                }

            case JsonArray configArray when target is JsonArray targetArray && ListKeys(name, configArray, type, schema) is { } key:
                {
                    var result = new JsonArray(targetArray.Select(i => i?.DeepClone()).ToArray());
                    foreach (var item in configArray)
                    {
                        var index = IndexOf(result, ItemElement(item!, key));
                        if (index < 0)
                        {
                            result.Add(item?.DeepClone());
                        }
                        else if (key.Length > 0)
                        {
                            var merged = Merge(result[index]!.DeepClone(), item, string.Empty, type, schema?["items"] as JsonObject);
                            result[index] = merged;
                        }
                    }

                    return result;
                }

            default:
                return config?.DeepClone();
        }
    }

    private static KubeApiException ConflictError(ResourceType type, string name, List<(FieldManagerEntry Owner, string Path)> conflicts)
    {
        var causes = new JsonArray(conflicts.Select(c => (JsonNode)new JsonObject
        {
            ["reason"] = "FieldManagerConflict",
            ["message"] = $"conflict with {c.Owner.Describe()}",
            ["field"] = Display(c.Path),
        }).ToArray());
        string message;
        if (conflicts.Count == 1)
        {
            message = $"Apply failed with 1 conflict: conflict with {conflicts[0].Owner.Describe()}: {Display(conflicts[0].Path)}";
        }
        else
        {
            var lines = conflicts.GroupBy(c => c.Owner.Describe()).OrderBy(g => g.Key, StringComparer.Ordinal)
                .SelectMany(g => g.Select(c => "- " + Display(c.Path)).Prepend($"conflicts with {g.Key}:"));
            message = $"Apply failed with {conflicts.Count} conflicts: {string.Join("\n", lines)}";
        }

        var details = new JsonObject { ["name"] = name };
        if (type.Group.Length > 0)
        {
            details["group"] = type.Group;
        }

        details["kind"] = type.Plural;
        details["causes"] = causes;
        return new KubeApiException(409, "Conflict", message, details);
    }

    private static List<FieldManagerEntry> Read(JsonObject obj) =>
        obj["metadata"]?["managedFields"] is JsonArray entries ? ReadEntries(entries) : [];

    private static List<FieldManagerEntry> ReadEntries(JsonArray entries) =>
        entries.OfType<JsonObject>().Select(e => new FieldManagerEntry(
            e["manager"]?.GetValue<string>() ?? string.Empty,
            e["operation"]?.GetValue<string>() ?? "Update",
            e["apiVersion"]?.GetValue<string>() ?? string.Empty,
            e["time"]?.GetValue<string>(),
            e["subresource"]?.GetValue<string>(),
            FromTree(e["fieldsV1"] as JsonObject))).ToList();

    private static void Write(JsonObject obj, List<FieldManagerEntry> entries)
    {
        var metadata = obj["metadata"] as JsonObject ?? [];
        obj["metadata"] = metadata;
        var kept = entries.Where(e => e.Fields.Count > 0).ToList();
        metadata.Remove("managedFields");
        if (kept.Count > 0)
        {
            metadata["managedFields"] = ToJson(kept);
        }
    }

    private static JsonArray ToJson(List<FieldManagerEntry> entries) => new(entries.Select(e =>
    {
        var json = new JsonObject
        {
            ["manager"] = e.Manager,
            ["operation"] = e.Operation,
            ["apiVersion"] = e.ApiVersion,
            ["time"] = e.Time,
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = ToTree(e.Fields),
        };
        if (e.Subresource is not null)
        {
            json["subresource"] = e.Subresource;
        }

        return (JsonNode)json;
    }).ToArray());

    private static JsonObject ToTree(HashSet<string> paths)
    {
        var root = new JsonObject();
        var sorted = paths.Order(StringComparer.Ordinal).ToList();
        for (var i = 0; i < sorted.Count; i++)
        {
            var node = root;
            foreach (var element in sorted[i].Split(Separator))
            {
                if (node[element] is not JsonObject child)
                {
                    child = [];
                    node[element] = child;
                }

                node = child;
            }

            // A member that has members of its own (a list item) says so with "."; the separator sorts below
            // every printable character, so its members come right after it.
            if (i + 1 < sorted.Count && sorted[i + 1].StartsWith(sorted[i] + Separator, StringComparison.Ordinal) && node.Count == 0)
            {
                node["."] = new JsonObject();
            }
        }

        return root;
    }

    private static HashSet<string> FromTree(JsonObject? tree)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        void Visit(JsonObject node, string path)
        {
            foreach (var (key, value) in node)
            {
                if (key == ".")
                {
                    set.Add(path);
                    continue;
                }

                var child = path.Length == 0 ? key : path + Separator + key;
                if (value is JsonObject { Count: > 0 } inner)
                {
                    Visit(inner, child);
                }
                else
                {
                    set.Add(child);
                }
            }
        }

        if (tree is not null)
        {
            Visit(tree, string.Empty);
        }

        return set;
    }

    private static string? Str(JsonObject obj, string field) => obj["metadata"]?[field]?.GetValue<string>();
}
