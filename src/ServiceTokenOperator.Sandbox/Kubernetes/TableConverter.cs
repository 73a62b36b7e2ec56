using System.Globalization;
using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>
/// Server-side printing (<c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c>): a meta.k8s.io/v1 Table
/// from a CRD's additionalPrinterColumns, or Name and Age (plus a few well-known columns) for built-ins.
/// </summary>
internal sealed class TableConverter(TimeProvider time)
{
    public JsonObject Convert(ResourceType type, IReadOnlyList<JsonObject> objects, string resourceVersion, bool includeFullObject)
    {
        var columns = Columns(type);
        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            var cells = new JsonArray();
            foreach (var column in columns)
            {
                cells.Add(Cell(obj, column));
            }

            rows.Add(new JsonObject { ["cells"] = cells, ["object"] = includeFullObject ? obj.DeepClone() : PartialObjectMetadata.From(obj, "meta.k8s.io/v1") });
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion },
            ["columnDefinitions"] = new JsonArray(columns.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["type"] = c.Type,
                ["format"] = c.Format,
                ["description"] = c.Description,
                ["priority"] = c.Priority,
            }).ToArray()),
            ["rows"] = rows,
        };
    }

    private JsonNode? Age(JsonNode? timestamp) =>
        timestamp is not null && DateTimeOffset.TryParse(SimpleJsonPath.Format(timestamp), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? HumanDuration.Format(time.GetUtcNow() - at)
            : "<unknown>";

    private JsonNode? Cell(JsonObject obj, Column column)
    {
        if (column.JsonPath == ".metadata.name" && column.Format == "name")
        {
            return obj["metadata"]?["name"]?.DeepClone();
        }

        if (column.Computed is { } computed)
        {
            return computed(obj);
        }

        var results = SimpleJsonPath.Evaluate(obj, column.JsonPath);
        if (results.Count == 0 || results[0] is null)
        {
            return null;
        }

        var value = results[0]!;
        return column.Type switch
        {
            "date" => DateTimeOffset.TryParse(SimpleJsonPath.Format(value), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
                ? HumanDuration.Format(time.GetUtcNow() - at)
                : SimpleJsonPath.Format(value),
            "string" => SimpleJsonPath.Format(value),
            _ => value.DeepClone(),
        };
    }

    private List<Column> Columns(ResourceType type)
    {
        var name = new Column("Name", "string", "name", "Name must be unique within a namespace.", 0, ".metadata.name", null);
        var age = new Column("Age", "date", string.Empty, "CreationTimestamp is a timestamp representing the server time when this object was created.", 0, ".metadata.creationTimestamp", null);
        if (type.PrinterColumns is { } printerColumns)
        {
            var columns = new List<Column> { name };
            foreach (var pc in printerColumns.OfType<JsonObject>())
            {
                columns.Add(new Column(
                    pc["name"]!.GetValue<string>(),
                    pc["type"]?.GetValue<string>() ?? "string",
                    pc["format"]?.GetValue<string>() ?? string.Empty,
                    pc["description"]?.GetValue<string>() ?? string.Empty,
                    pc["priority"] is { } priority ? (int)JsonNumbers.ToInt64(priority) : 0,
                    pc["jsonPath"]!.GetValue<string>(),
                    null));
            }

            return columns;
        }

        return type.Key switch
        {
            "/namespaces" => [name, new Column("Status", "string", string.Empty, "The status of the namespace", 0, ".status.phase", null), age],
            "/secrets" => [name, new Column("Type", "string", string.Empty, "The type of the secret", 0, ".type", null),
                new Column("Data", "integer", string.Empty, "The number of data entries", 0, string.Empty, o => (o["data"] as JsonObject)?.Count ?? 0), age],
            "/configmaps" => [name, new Column("Data", "integer", string.Empty, "The number of data entries", 0, string.Empty,
                o => ((o["data"] as JsonObject)?.Count ?? 0) + ((o["binaryData"] as JsonObject)?.Count ?? 0)), age],
            "apiextensions.k8s.io/customresourcedefinitions" => [name,
                new Column("Created At", "date", string.Empty, "CreationTimestamp", 0, string.Empty, o => o["metadata"]?["creationTimestamp"]?.DeepClone())],
            "/events" when type.Group.Length == 0 => [
                new Column("Last Seen", "string", string.Empty, "Time since the event was last seen", 0, string.Empty,
                    o => Age(o["lastTimestamp"] ?? o["eventTime"] ?? o["metadata"]?["creationTimestamp"])),
                new Column("Type", "string", string.Empty, "Normal or Warning", 0, ".type", null),
                new Column("Reason", "string", string.Empty, "Why the event happened", 0, ".reason", null),
                new Column("Object", "string", string.Empty, "The object the event is about", 0, string.Empty,
                    o => $"{o["involvedObject"]?["kind"]?.GetValue<string>()?.ToLowerInvariant()}/{o["involvedObject"]?["name"]?.GetValue<string>()}"),
                new Column("Message", "string", string.Empty, "What happened", 0, ".message", null)],
            "coordination.k8s.io/leases" => [name, new Column("Holder", "string", string.Empty, "The holder of the lease", 0, ".spec.holderIdentity", null), age],
            _ => [name, age],
        };
    }

    private sealed record Column(string Name, string Type, string Format, string Description, int Priority, string JsonPath, Func<JsonObject, JsonNode?>? Computed);
}
