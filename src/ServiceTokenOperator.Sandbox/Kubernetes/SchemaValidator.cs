using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>
/// The structural-schema work the apiserver does on a custom resource write, in its order: pruning of unknown
/// fields, defaulting, then validation of openAPIV3Schema value constraints, with the apiserver's messages.
/// </summary>
internal static class SchemaValidator
{
    private static readonly string[] RootFields = ["apiVersion", "kind", "metadata"];

    /// <summary>Removes fields the schema does not declare; returns their paths (for Strict and Warn).</summary>
    public static List<string> Prune(JsonObject root, JsonObject schema)
    {
        var unknown = new List<string>();
        PruneObject(root, schema, string.Empty, unknown, isRoot: true);
        return unknown;
    }

    /// <summary>Fills absent properties that declare a <c>default</c>, where their parent object exists.</summary>
    public static void ApplyDefaults(JsonNode? node, JsonObject schema)
    {
        if (node is JsonObject obj && schema["properties"] is JsonObject properties)
        {
            foreach (var (name, propertySchema) in properties)
            {
                if (propertySchema is not JsonObject ps)
                {
                    continue;
                }

                if (!obj.ContainsKey(name) && ps["default"] is { } defaultValue)
                {
                    obj[name] = defaultValue.DeepClone();
                }

                if (obj[name] is { } child)
                {
                    ApplyDefaults(child, ps);
                }
            }
        }
        else if (node is JsonObject map && schema["additionalProperties"] is JsonObject valueSchema)
        {
            foreach (var (_, value) in map.ToList())
            {
                ApplyDefaults(value, valueSchema);
            }
        }
        else if (node is JsonArray array && schema["items"] is JsonObject itemSchema)
        {
            foreach (var item in array)
            {
                ApplyDefaults(item, itemSchema);
            }
        }
    }

    /// <summary>Validates a whole object (metadata excluded) against the CRD version's schema.</summary>
    public static List<ValidationCause> Validate(JsonObject root, JsonObject schema)
    {
        var causes = new List<ValidationCause>();
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, propertySchema) in properties)
            {
                if (name is "metadata" or "apiVersion" or "kind" || propertySchema is not JsonObject ps)
                {
                    continue;
                }

                if (root.TryGetPropertyValue(name, out var value))
                {
                    ValidateNode(value, ps, name, causes);
                }
            }
        }

        if (schema["required"] is JsonArray required)
        {
            foreach (var name in required.Select(r => r!.GetValue<string>()).Where(n => !RootFields.Contains(n) && !root.ContainsKey(n)))
            {
                causes.Add(new ValidationCause("FieldValueRequired", name, "Required value"));
            }
        }

        return causes;
    }

    public static void ValidateNode(JsonNode? value, JsonObject schema, string path, List<ValidationCause> causes)
    {
        if (value is null)
        {
            if (schema["nullable"]?.GetValue<bool>() != true && schema["type"] is not null)
            {
                causes.Add(new ValidationCause("FieldValueTypeInvalid", path, $"Invalid value: \"null\": {path} in body must be of type {Type(schema)}: \"null\""));
            }

            return;
        }

        if (schema["x-kubernetes-int-or-string"]?.GetValue<bool>() == true)
        {
            var kind = value.GetValueKind();
            if (kind != JsonValueKind.String && !IsInteger(value))
            {
                causes.Add(new ValidationCause("FieldValueTypeInvalid", path, $"Invalid value: \"{TypeName(value)}\": {path} in body must be of type integer-or-string: \"{TypeName(value)}\""));
                return;
            }
        }
        else if (schema["type"]?.GetValue<string>() is { } type && !HasType(value, type))
        {
            causes.Add(new ValidationCause("FieldValueTypeInvalid", path, $"Invalid value: \"{TypeName(value)}\": {path} in body must be of type {type}: \"{TypeName(value)}\""));
            return;
        }

        ValidateValue(value, schema, path, causes);
        ValidateComposition(value, schema, path, causes);

        if (value is JsonObject obj)
        {
            if (schema["required"] is JsonArray required)
            {
                foreach (var name in required.Select(r => r!.GetValue<string>()).Where(n => !obj.ContainsKey(n)))
                {
                    causes.Add(new ValidationCause("FieldValueRequired", Join(path, name), "Required value"));
                }
            }

            var properties = schema["properties"] as JsonObject;
            foreach (var (name, child) in obj)
            {
                if (properties?[name] is JsonObject childSchema)
                {
                    ValidateNode(child, childSchema, Join(path, name), causes);
                }
                else if (schema["additionalProperties"] is JsonObject valueSchema)
                {
                    ValidateNode(child, valueSchema, Join(path, name), causes);
                }
            }

            Count(obj.Count, schema, "minProperties", "maxProperties", "properties", path, value, causes);
        }
        else if (value is JsonArray array)
        {
            if (schema["items"] is JsonObject itemSchema)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    ValidateNode(array[i], itemSchema, $"{path}[{i}]", causes);
                }
            }

            Count(array.Count, schema, "minItems", "maxItems", "items", path, value, causes);
        }
    }

    private static void ValidateValue(JsonNode value, JsonObject schema, string path, List<ValidationCause> causes)
    {
        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            var supported = string.Join(", ", allowed.Select(Render));
            causes.Add(new ValidationCause("FieldValueNotSupported", path, $"Unsupported value: {Render(value)}: supported values: {supported}"));
        }

        var kind = value.GetValueKind();
        if (kind == JsonValueKind.String)
        {
            var text = value.GetValue<string>();
            var length = new StringInfo(text).LengthInTextElements;
            if (schema["maxLength"] is { } maxLength && length > JsonNumbers.ToInt64(maxLength))
            {
                causes.Add(Invalid(path, value, $"{path} in body should be at most {maxLength} chars long"));
            }

            if (schema["minLength"] is { } minLength && length < JsonNumbers.ToInt64(minLength))
            {
                causes.Add(Invalid(path, value, $"{path} in body should be at least {minLength} chars long"));
            }

            if (schema["pattern"]?.GetValue<string>() is { } pattern && !Regex.IsMatch(text, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
            {
                causes.Add(Invalid(path, value, $"{path} in body should match '{pattern}'"));
            }

            if (schema["format"]?.GetValue<string>() is { } format && !FormatOk(format, text))
            {
                causes.Add(Invalid(path, value, $"{path} in body must be of type {format}: {Render(value)}"));
            }
        }
        else if (kind == JsonValueKind.Number)
        {
            var number = JsonNumbers.ToDouble(value);
            if (schema["maximum"] is { } maximum)
            {
                var exclusive = schema["exclusiveMaximum"]?.GetValue<bool>() == true;
                if (exclusive ? number >= JsonNumbers.ToDouble(maximum) : number > JsonNumbers.ToDouble(maximum))
                {
                    causes.Add(Invalid(path, value, $"{path} in body should be less than {(exclusive ? string.Empty : "or equal to ")}{maximum.ToJsonString()}"));
                }
            }

            if (schema["minimum"] is { } minimum)
            {
                var exclusive = schema["exclusiveMinimum"]?.GetValue<bool>() == true;
                if (exclusive ? number <= JsonNumbers.ToDouble(minimum) : number < JsonNumbers.ToDouble(minimum))
                {
                    causes.Add(Invalid(path, value, $"{path} in body should be greater than {(exclusive ? string.Empty : "or equal to ")}{minimum.ToJsonString()}"));
                }
            }

            if (schema["format"]?.GetValue<string>() == "int32" && (number > int.MaxValue || number < int.MinValue))
            {
                causes.Add(Invalid(path, value, $"{path} in body must be of type int32: {Render(value)}"));
            }
        }
    }

    private static void ValidateComposition(JsonNode value, JsonObject schema, string path, List<ValidationCause> causes)
    {
        if (schema["allOf"] is JsonArray allOf)
        {
            foreach (var sub in allOf.OfType<JsonObject>())
            {
                ValidateNode(value, sub, path, causes);
            }
        }

        if (schema["anyOf"] is JsonArray anyOf && !anyOf.OfType<JsonObject>().Any(sub => Passes(value, sub, path)))
        {
            causes.Add(Invalid(path, value, $"{path} in body must validate at least one schema (anyOf)"));
        }

        if (schema["oneOf"] is JsonArray oneOf && oneOf.OfType<JsonObject>().Count(sub => Passes(value, sub, path)) != 1)
        {
            causes.Add(Invalid(path, value, $"{path} in body must validate one and only one schema (oneOf)"));
        }

        if (schema["not"] is JsonObject not && Passes(value, not, path))
        {
            causes.Add(Invalid(path, value, $"{path} in body should not be valid against the schema (not)"));
        }
    }

    private static bool Passes(JsonNode value, JsonObject schema, string path)
    {
        var causes = new List<ValidationCause>();
        ValidateNode(value, schema, path, causes);
        return causes.Count == 0;
    }

    private static void Count(int count, JsonObject schema, string minKey, string maxKey, string noun, string path, JsonNode value, List<ValidationCause> causes)
    {
        if (schema[maxKey] is { } max && count > JsonNumbers.ToInt64(max))
        {
            causes.Add(new ValidationCause(
                noun == "items" ? "FieldValueTooMany" : "FieldValueInvalid",
                path,
                noun == "items" ? $"Too many: {count}: must have at most {max} items" : $"Invalid value: {Render(value)}: {path} in body should have at most {max} properties"));
        }

        if (schema[minKey] is { } min && count < JsonNumbers.ToInt64(min))
        {
            causes.Add(Invalid(path, value, $"{path} in body should have at least {min} {noun}"));
        }
    }

    private static ValidationCause Invalid(string path, JsonNode value, string detail) =>
        new("FieldValueInvalid", path, $"Invalid value: {Render(value)}: {detail}");

    private static bool FormatOk(string format, string text) => format switch
    {
        "date-time" => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _) && text.Contains('T', StringComparison.OrdinalIgnoreCase),
        "date" => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "uuid" => Guid.TryParse(text, out _),
        "byte" => IsBase64(text),
        _ => true,
    };

    internal static bool IsBase64(string text)
    {
        if (text.Length % 4 != 0)
        {
            return false;
        }

        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }

    private static bool HasType(JsonNode value, string type) => type switch
    {
        "object" => value is JsonObject,
        "array" => value is JsonArray,
        "string" => value.GetValueKind() == JsonValueKind.String,
        "integer" => IsInteger(value),
        "number" => value.GetValueKind() == JsonValueKind.Number,
        "boolean" => value.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        _ => true,
    };

    private static bool IsInteger(JsonNode value) =>
        value.GetValueKind() == JsonValueKind.Number && JsonNumbers.ToDouble(value) is var d && Math.Floor(d) == d && !double.IsInfinity(d);

    private static string Type(JsonObject schema) => schema["type"]?.GetValue<string>() ?? "object";

    private static string TypeName(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => IsInteger(value) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    /// <summary>Renders a value the way the apiserver's messages do: strings quoted, numbers bare.</summary>
    internal static string Render(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject or JsonArray => $"\"{TypeName(value)}\"",
        _ => value.ToJsonString(),
    };

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static void PruneObject(JsonObject obj, JsonObject schema, string path, List<string> unknown, bool isRoot)
    {
        if (schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true && schema["properties"] is null)
        {
            return;
        }

        var properties = schema["properties"] as JsonObject;
        var preserve = schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true;
        foreach (var (name, child) in obj.ToList())
        {
            if (isRoot && RootFields.Contains(name))
            {
                continue;
            }

            JsonObject? childSchema = properties?[name] as JsonObject;
            if (childSchema is null && schema["additionalProperties"] is JsonObject valueSchema)
            {
                childSchema = valueSchema;
            }

            if (childSchema is null)
            {
                var allowed = preserve || schema["additionalProperties"]?.GetValueKind() == JsonValueKind.True;
                if (!allowed)
                {
                    obj.Remove(name);
                    unknown.Add(Join(path, name));
                }

                continue;
            }

            if (child is null && childSchema["nullable"]?.GetValue<bool>() != true)
            {
                // The apiserver drops nulls of non-nullable fields before defaulting.
                obj.Remove(name);
                continue;
            }

            PruneChild(child, childSchema, Join(path, name), unknown);
        }
    }

    private static void PruneChild(JsonNode? child, JsonObject schema, string path, List<string> unknown)
    {
        if (child is JsonObject childObject)
        {
            PruneObject(childObject, schema, path, unknown, isRoot: false);
        }
        else if (child is JsonArray array && schema["items"] is JsonObject itemSchema)
        {
            for (var i = 0; i < array.Count; i++)
            {
                PruneChild(array[i], itemSchema, $"{path}[{i}]", unknown);
            }
        }
    }
}
