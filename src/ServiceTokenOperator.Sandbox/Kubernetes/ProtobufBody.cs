using System.Text;
using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>
/// Decodes the Kubernetes protobuf envelope (<c>k8s\0</c> + runtime.Unknown) for the few kinds kubectl's
/// typed commands send that way (<c>kubectl create secret|configmap|namespace|serviceaccount</c>). Field
/// numbers follow k8s.io/api generated.proto; answers always go back as JSON, which those clients accept.
/// </summary>
internal static class ProtobufBody
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    public static JsonObject Decode(byte[] body)
    {
        if (body.Length < 4 || body[0] != (byte)'k' || body[1] != (byte)'8' || body[2] != (byte)'s' || body[3] != 0)
        {
            throw KubeApiException.BadRequest("provided input is not a Kubernetes protobuf envelope");
        }

        string? apiVersion = null, kind = null;
        byte[] raw = [];
        foreach (var (field, _, value) in Fields(body.AsMemory(4)))
        {
            if (field == 1)
            {
                foreach (var (f, _, v) in Fields(value))
                {
                    if (f == 1)
                    {
                        apiVersion = Text(v);
                    }
                    else if (f == 2)
                    {
                        kind = Text(v);
                    }
                }
            }
            else if (field == 2)
            {
                raw = value.ToArray();
            }
        }

        var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        foreach (var (field, wire, value) in Fields(raw))
        {
            switch (kind, field)
            {
                case (_, 1):
                    obj["metadata"] = Metadata(value);
                    break;
                case ("Secret", 2):
                    MapEntry(obj, "data", value, v => Convert.ToBase64String(v.Span));
                    break;
                case ("Secret", 3) when value.Length > 0:
                    obj["type"] = Text(value);
                    break;
                case ("Secret", 3):
                    break;
                case ("Secret", 4):
                    MapEntry(obj, "stringData", value, Text);
                    break;
                case ("Secret", 5) or ("ConfigMap", 4):
                    obj["immutable"] = wire == 0 && value.Length > 0 && value.Span[0] != 0;
                    break;
                case ("ConfigMap", 2):
                    MapEntry(obj, "data", value, Text);
                    break;
                case ("ConfigMap", 3):
                    MapEntry(obj, "binaryData", value, v => Convert.ToBase64String(v.Span));
                    break;
                case ("Namespace" or "ServiceAccount", _):
                    break;
                default:
                    throw KubeApiException.UnsupportedMediaType($"the sandbox decodes protobuf only for Secret, ConfigMap, Namespace and ServiceAccount, not {kind}; send application/json");
            }
        }

        return obj;
    }

    private static JsonObject Metadata(ReadOnlyMemory<byte> bytes)
    {
        var metadata = new JsonObject();
        foreach (var (field, _, value) in Fields(bytes))
        {
            // proto2 optional strings arrive empty when unset; an empty name or namespace means absent.
            if (value.Length == 0)
            {
                continue;
            }

            switch (field)
            {
                case 1:
                    metadata["name"] = Text(value);
                    break;
                case 2:
                    metadata["generateName"] = Text(value);
                    break;
                case 3:
                    metadata["namespace"] = Text(value);
                    break;
                case 11:
                    MapEntry(metadata, "labels", value, Text);
                    break;
                case 12:
                    MapEntry(metadata, "annotations", value, Text);
                    break;
                case 14:
                    (metadata["finalizers"] ??= new JsonArray()).AsArray().Add(Text(value));
                    break;
            }
        }

        return metadata;
    }

    private static void MapEntry(JsonObject parent, string name, ReadOnlyMemory<byte> entry, Func<ReadOnlyMemory<byte>, string> value)
    {
        string key = string.Empty, text = string.Empty;
        foreach (var (field, _, bytes) in Fields(entry))
        {
            if (field == 1)
            {
                key = Text(bytes);
            }
            else if (field == 2)
            {
                text = value(bytes);
            }
        }

        (parent[name] ??= new JsonObject()).AsObject()[key] = text;
    }

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    /// <summary>Top-level fields of a protobuf message: varints come back as their raw bytes' first value byte.</summary>
    private static List<(int Field, int Wire, ReadOnlyMemory<byte> Value)> Fields(ReadOnlyMemory<byte> message)
    {
        var fields = new List<(int, int, ReadOnlyMemory<byte>)>();
        var span = message.Span;
        var i = 0;
        while (i < span.Length)
        {
            var tag = Varint(span, ref i);
            var field = (int)(tag >> 3);
            var wire = (int)(tag & 7);
            switch (wire)
            {
                case 0:
                    var value = Varint(span, ref i);
                    fields.Add((field, wire, new[] { (byte)Math.Min(value, 255) }));
                    break;
                case 1:
                    fields.Add((field, wire, message.Slice(i, 8)));
                    i += 8;
                    break;
                case 2:
                    var length = (int)Varint(span, ref i);
                    fields.Add((field, wire, message.Slice(i, length)));
                    i += length;
                    break;
                case 5:
                    fields.Add((field, wire, message.Slice(i, 4)));
                    i += 4;
                    break;
                default:
                    throw KubeApiException.BadRequest("malformed protobuf body");
            }
        }

        return fields;
    }

    private static ulong Varint(ReadOnlySpan<byte> span, ref int i)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64 && i < span.Length; shift += 7)
        {
            var b = span[i++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw KubeApiException.BadRequest("malformed protobuf body");
    }
}
