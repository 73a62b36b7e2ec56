using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>
/// Strategic merge patch for built-in kinds, simplified: merge-patch semantics, except that lists of objects
/// merge by their key (name, uid for ownerReferences, type for conditions), <c>metadata.finalizers</c> merges
/// as a set, and the <c>$patch</c>, <c>$deleteFromPrimitiveList/</c>, <c>$setElementOrder/</c> and
/// <c>$retainKeys</c> directives that kubectl sends are understood or ignored.
/// </summary>
internal static class StrategicMergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch, string key = "")
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        if (patchObject["$patch"]?.GetValue<string>() == "replace")
        {
            var replaced = patchObject.DeepClone().AsObject();
            replaced.Remove("$patch");
            return replaced;
        }

        var result = target is JsonObject targetObject ? targetObject.DeepClone().AsObject() : [];
        foreach (var (name, value) in patchObject)
        {
            if (name.StartsWith("$setElementOrder/", StringComparison.Ordinal) || name is "$retainKeys" or "$patch")
            {
                continue;
            }

            if (name.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var listName = name["$deleteFromPrimitiveList/".Length..];
                if (result[listName] is JsonArray list && value is JsonArray removals)
                {
                    result[listName] = new JsonArray(list.Where(i => !removals.Any(r => JsonNode.DeepEquals(r, i))).Select(i => i?.DeepClone()).ToArray());
                }

                continue;
            }

            if (value is null || (value is JsonObject o && o["$patch"]?.GetValue<string>() == "delete"))
            {
                result.Remove(name);
            }
            else if (value is JsonArray patchList && result[name] is JsonArray currentList)
            {
                result[name] = MergeList(name, currentList, patchList);
            }
            else
            {
                result[name] = Apply(result[name], value, name);
            }
        }

        return result;
    }

    private static JsonArray MergeList(string name, JsonArray current, JsonArray patch)
    {
        if (name == "finalizers")
        {
            var union = current.Select(i => i?.DeepClone()).ToList();
            union.AddRange(patch.Where(p => !current.Any(c => JsonNode.DeepEquals(c, p))).Select(p => p?.DeepClone()));
            return new JsonArray(union.ToArray());
        }

        var mergeKey = name switch
        {
            "ownerReferences" => "uid",
            "conditions" => "type",
            "volumeMounts" => "mountPath",
            _ => "name",
        };
        var mergeable = patch.All(p => p is JsonObject po && po[mergeKey]?.GetValueKind() == JsonValueKind.String)
            && current.All(c => c is JsonObject co && co[mergeKey] is not null);
        if (!mergeable)
        {
            return new JsonArray(patch.Where(p => p is not JsonObject po || po["$patch"] is null).Select(p => p?.DeepClone()).ToArray());
        }

        var merged = current.Select(c => c!.DeepClone()).ToList();
        foreach (var item in patch.Cast<JsonObject>())
        {
            var id = item[mergeKey]!.GetValue<string>();
            var at = merged.FindIndex(m => m[mergeKey]?.GetValue<string>() == id);
            if (item["$patch"]?.GetValue<string>() == "delete")
            {
                if (at >= 0)
                {
                    merged.RemoveAt(at);
                }
            }
            else if (at >= 0)
            {
                merged[at] = Apply(merged[at], item)!;
            }
            else
            {
                merged.Add(Apply(null, item)!);
            }
        }

        return new JsonArray(merged.ToArray());
    }
}
