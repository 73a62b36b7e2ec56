using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>A request failure that the server answers with a meta/v1 Status of the same code.</summary>
internal sealed class KubeApiException(int code, string reason, string message, JsonObject? details = null)
    : Exception(message)
{
    public int Code { get; } = code;

    public string Reason { get; } = reason;

    public JsonObject? Details { get; } = details;

    public JsonObject ToStatus() => KubeStatus.Failure(Code, Reason, Message, Details?.DeepClone().AsObject());

    public static KubeApiException NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.GroupResource} \"{name}\" not found", DetailsOf(type.Group, type.Plural, name));

    public static KubeApiException AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.GroupResource} \"{name}\" already exists", DetailsOf(type.Group, type.Plural, name));

    public static KubeApiException Conflict(ResourceType type, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {type.GroupResource} \"{name}\": {why}", DetailsOf(type.Group, type.Plural, name));

    public static KubeApiException StaleResourceVersion(ResourceType type, string name) =>
        Conflict(type, name, "the object has been modified; please apply your changes to the latest version and try again");

    public static KubeApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static KubeApiException Forbidden(string message) => new(403, "Forbidden", message);

    public static KubeApiException MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message);

    public static KubeApiException UnsupportedMediaType(string message) => new(415, "UnsupportedMediaType", message);

    public static KubeApiException Invalid(ResourceType type, string name, IReadOnlyList<ValidationCause> causes)
    {
        var rendered = causes.Select(c => $"{c.Field}: {c.Message}").ToList();
        var summary = rendered.Count == 1 ? rendered[0] : $"[{string.Join(", ", rendered)}]";
        var details = DetailsOf(type.Group, type.Kind, name);
        details["causes"] = new JsonArray(causes.Select(c => (JsonNode)new JsonObject
        {
            ["reason"] = c.Reason,
            ["message"] = c.Message,
            ["field"] = c.Field,
        }).ToArray());
        return new(422, "Invalid", $"{type.GroupKind} \"{name}\" is invalid: {summary}", details);
    }

    private static JsonObject DetailsOf(string group, string kind, string name)
    {
        var details = new JsonObject { ["name"] = name };
        if (group.Length > 0)
        {
            details["group"] = group;
        }

        details["kind"] = kind;
        return details;
    }
}
