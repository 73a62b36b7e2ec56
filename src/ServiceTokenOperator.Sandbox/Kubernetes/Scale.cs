using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>Converts between an object and its autoscaling/v1 Scale (the scale subresource).</summary>
internal static class Scale
{
    public static JsonObject From(ResourceType type, JsonObject obj)
    {
        var metadata = obj["metadata"]!.AsObject();
        var status = new JsonObject { ["replicas"] = First(obj, type.StatusReplicasPath) ?? 0 };
        var selector = type.LabelSelectorPath is { } path ? First(obj, path) : MatchLabels(obj);
        if (selector is not null)
        {
            status["selector"] = selector;
        }

        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = metadata["name"]?.DeepClone(),
                ["namespace"] = metadata["namespace"]?.DeepClone(),
                ["uid"] = metadata["uid"]?.DeepClone(),
                ["resourceVersion"] = metadata["resourceVersion"]?.DeepClone(),
                ["creationTimestamp"] = metadata["creationTimestamp"]?.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = First(obj, type.SpecReplicasPath) ?? 0 },
            ["status"] = status,
        };
    }

    /// <summary>A copy of <paramref name="obj"/> with replicas written at a dotted path such as <c>.spec.replicas</c>.</summary>
    public static JsonObject WithReplicas(JsonObject obj, string path, JsonNode replicas)
    {
        var copy = obj.DeepClone().AsObject();
        var parts = path.TrimStart('.').Split('.');
        var parent = copy;
        foreach (var part in parts[..^1])
        {
            if (parent[part] is not JsonObject child)
            {
                child = [];
                parent[part] = child;
            }

            parent = child;
        }

        parent[parts[^1]] = replicas.DeepClone();
        return copy;
    }

    private static JsonNode? First(JsonObject obj, string path)
    {
        var results = SimpleJsonPath.Evaluate(obj, path);
        return results.Count > 0 ? results[0]?.DeepClone() : null;
    }

    private static string? MatchLabels(JsonObject obj) =>
        obj["spec"]?["selector"]?["matchLabels"] is JsonObject labels
            ? string.Join(',', labels.Select(l => $"{l.Key}={l.Value}"))
            : null;
}
