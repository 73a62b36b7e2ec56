using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>
/// The meta.k8s.io PartialObjectMetadata view of an object (what the apiserver's <c>meta.AsPartialObjectMetadata</c>
/// returns): kind, apiVersion and the whole metadata, nothing of data, spec or status.
/// </summary>
internal static class PartialObjectMetadata
{
    public static JsonObject From(JsonObject obj, string apiVersion) => new()
    {
        ["kind"] = OutputConversion.PartialObject,
        ["apiVersion"] = apiVersion,
        ["metadata"] = obj["metadata"]?.DeepClone(),
    };

    /// <summary>Writes the view of a stored (shared, never mutated) object without copying it, and without touching its data.</summary>
    public static void Write(Utf8JsonWriter writer, JsonObject stored, string apiVersion)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", OutputConversion.PartialObject);
        writer.WriteString("apiVersion", apiVersion);
        writer.WritePropertyName("metadata");
        if (stored["metadata"] is { } metadata)
        {
            metadata.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteEndObject();
    }
}
