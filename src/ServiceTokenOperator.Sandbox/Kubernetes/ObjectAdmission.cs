using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>
/// Kind-specific work on a write before it is stored: name rules, Secret data and immutability, Namespace and
/// CRD status, and the custom-resource schema pipeline (prune, default, validate).
/// </summary>
internal static partial class ObjectAdmission
{
    private const string LabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    private const string SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    public static void Admit(ResourceType type, JsonObject obj, JsonObject? old, WriteOptions options, TimeProvider time)
    {
        var name = obj["metadata"]?["name"]?.GetValue<string>() ?? string.Empty;
        var causes = new List<ValidationCause>();
        if (type.Key == "/namespaces" && (name.Length > 63 || !Label().IsMatch(name)))
        {
            causes.Add(new ValidationCause("FieldValueInvalid", "metadata.name", $"Invalid value: \"{name}\": {LabelMessage}"));
        }
        else if (type.Group != "rbac.authorization.k8s.io" && (name.Length > 253 || !Subdomain().IsMatch(name)))
        {
            causes.Add(new ValidationCause("FieldValueInvalid", "metadata.name", $"Invalid value: \"{name}\": {SubdomainMessage}"));
        }

        ValidateMetadata(obj["metadata"] as JsonObject, causes);

        switch (type.Key)
        {
            case "/secrets":
                AdmitSecret(obj, old, causes);
                break;
            case "/configmaps":
                AdmitImmutable(obj, old, causes, "data", "binaryData");
                break;
            case "/namespaces":
                AdmitNamespace(obj, name);
                break;
            case "apiextensions.k8s.io/customresourcedefinitions":
                AdmitCrd(obj, old, name, causes, time);
                break;
        }

        if (type.IsCustom && type.Schema is { } schema)
        {
            var unknown = SchemaValidator.Prune(obj, schema);
            if (unknown.Count > 0 && options.FieldValidation == "Strict")
            {
                throw KubeApiException.BadRequest(
                    $"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: "
                    + string.Join(", ", unknown.Select(u => $"unknown field \"{u}\"")));
            }

            if (options.FieldValidation == "Warn")
            {
                options.Warnings.AddRange(unknown.Select(u => $"unknown field \"{u}\""));
            }

            SchemaValidator.ApplyDefaults(obj, schema);
            causes.AddRange(SchemaValidator.Validate(obj, schema));
        }

        if (causes.Count > 0)
        {
            throw KubeApiException.Invalid(type, name, causes);
        }
    }

    /// <summary>Label and annotation syntax and owner references, as ObjectMeta validation does for every kind.</summary>
    private static void ValidateMetadata(JsonObject? metadata, List<ValidationCause> causes)
    {
        foreach (var (key, value) in metadata?["labels"] as JsonObject ?? [])
        {
            ValidateQualifiedName(key, "metadata.labels", causes);
            var text = value?.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : string.Empty;
            if (text.Length > 63)
            {
                causes.Add(new ValidationCause("FieldValueInvalid", "metadata.labels", $"Invalid value: \"{text}\": must be no more than 63 characters"));
            }
            else if (!LabelValue().IsMatch(text))
            {
                causes.Add(new ValidationCause("FieldValueInvalid", "metadata.labels", $"Invalid value: \"{text}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"));
            }
        }

        if (metadata?["annotations"] is JsonObject annotations)
        {
            foreach (var (key, _) in annotations)
            {
                ValidateQualifiedName(key.ToLowerInvariant(), "metadata.annotations", causes);
            }

            var size = annotations.Sum(a => a.Key.Length + (a.Value?.ToJsonString().Length ?? 0));
            if (size > 256 * 1024)
            {
                causes.Add(new ValidationCause("FieldValueTooLong", "metadata.annotations", "Too long: must have at most 262144 bytes"));
            }
        }

        var references = (metadata?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        foreach (var reference in references)
        {
            foreach (var field in new[] { "apiVersion", "kind", "name", "uid" })
            {
                if (reference[field]?.GetValueKind() != JsonValueKind.String || reference[field]!.GetValue<string>().Length == 0)
                {
                    causes.Add(new ValidationCause("FieldValueInvalid", $"metadata.ownerReferences.{field}", $"Invalid value: \"\": {field} must not be empty"));
                }
            }
        }

        if (references.Count(r => r["controller"]?.GetValueKind() == JsonValueKind.True) > 1)
        {
            causes.Add(new ValidationCause("FieldValueInvalid", "metadata.ownerReferences", "Invalid value: []v1.OwnerReference: Only one reference can have Controller set to true"));
        }
    }

    private static void ValidateQualifiedName(string key, string field, List<ValidationCause> causes)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var prefix = slash >= 0 ? key[..slash] : null;
        var name = slash >= 0 ? key[(slash + 1)..] : key;
        if (prefix is not null && (prefix.Length == 0 || prefix.Length > 253 || !Subdomain().IsMatch(prefix)))
        {
            causes.Add(new ValidationCause("FieldValueInvalid", field, $"Invalid value: \"{key}\": prefix part {SubdomainMessage}"));
        }

        if (name.Length == 0 || name.Length > 63 || !QualifiedNamePart().IsMatch(name))
        {
            causes.Add(new ValidationCause("FieldValueInvalid", field, $"Invalid value: \"{key}\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"));
        }
    }

    private static void AdmitSecret(JsonObject obj, JsonObject? old, List<ValidationCause> causes)
    {
        if (obj["data"] is JsonObject data)
        {
            foreach (var (key, value) in data)
            {
                if (value is not null && (value.GetValueKind() != JsonValueKind.String || !SchemaValidator.IsBase64(value.GetValue<string>())))
                {
                    throw KubeApiException.BadRequest("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 0");
                }
            }
        }

        if (obj["stringData"] is JsonObject stringData)
        {
            var merged = obj["data"] as JsonObject ?? [];
            foreach (var (key, value) in stringData)
            {
                merged[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value?.GetValue<string>() ?? string.Empty));
            }

            obj.Remove("stringData");
            obj.Remove("data");
            obj["data"] = merged.Parent is null ? merged : merged.DeepClone();
        }

        obj["type"] ??= "Opaque";
        if (obj["data"] is JsonObject keys)
        {
            foreach (var key in keys.Select(k => k.Key).Where(k => !ConfigKey().IsMatch(k)))
            {
                causes.Add(new ValidationCause("FieldValueInvalid", $"data[{key}]", $"Invalid value: \"{key}\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
            }
        }

        if (old is not null && old["type"]?.GetValue<string>() is { } oldType && obj["type"]?.GetValue<string>() != oldType)
        {
            causes.Add(new ValidationCause("FieldValueInvalid", "type", $"Invalid value: \"{obj["type"]}\": field is immutable"));
        }

        var size = (obj["data"] as JsonObject ?? []).Sum(d => (d.Value?.GetValue<string>().Length ?? 0) * 3 / 4);
        if (size > 1024 * 1024)
        {
            causes.Add(new ValidationCause("FieldValueTooLong", "data", "Too long: must have at most 1048576 bytes"));
        }

        AdmitImmutable(obj, old, causes, "data");
    }

    private static void AdmitImmutable(JsonObject obj, JsonObject? old, List<ValidationCause> causes, params string[] fields)
    {
        if (old?["immutable"]?.GetValueKind() != JsonValueKind.True)
        {
            return;
        }

        if (obj["immutable"]?.GetValueKind() != JsonValueKind.True)
        {
            causes.Add(new ValidationCause("FieldValueForbidden", "immutable", "Forbidden: field is immutable when `immutable` is set"));
        }

        foreach (var field in fields.Where(f => !JsonNode.DeepEquals(obj[f], old[f])))
        {
            causes.Add(new ValidationCause("FieldValueForbidden", field, "Forbidden: field is immutable when `immutable` is set"));
        }
    }

    private static void AdmitNamespace(JsonObject obj, string name)
    {
        var metadata = obj["metadata"]!.AsObject();
        var labels = metadata["labels"] as JsonObject ?? [];
        labels["kubernetes.io/metadata.name"] = name;
        metadata["labels"] = labels.Parent is null ? labels : labels.DeepClone();
        obj["spec"] ??= new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
        if (obj["status"]?["phase"] is null)
        {
            obj["status"] = new JsonObject { ["phase"] = "Active" };
        }
    }

    private static void AdmitCrd(JsonObject obj, JsonObject? old, string name, List<ValidationCause> causes, TimeProvider time)
    {
        var spec = obj["spec"] as JsonObject;
        var group = spec?["group"]?.GetValue<string>();
        var names = spec?["names"] as JsonObject;
        var plural = names?["plural"]?.GetValue<string>();
        var kind = names?["kind"]?.GetValue<string>();
        var versions = spec?["versions"] as JsonArray;
        if (group is null)
        {
            causes.Add(new ValidationCause("FieldValueRequired", "spec.group", "Required value"));
        }

        if (plural is null)
        {
            causes.Add(new ValidationCause("FieldValueRequired", "spec.names.plural", "Required value"));
        }

        if (kind is null)
        {
            causes.Add(new ValidationCause("FieldValueRequired", "spec.names.kind", "Required value"));
        }

        if (spec?["scope"]?.GetValue<string>() is not ("Namespaced" or "Cluster"))
        {
            causes.Add(new ValidationCause("FieldValueNotSupported", "spec.scope", $"Unsupported value: {SchemaValidator.Render(spec?["scope"])}: supported values: \"Cluster\", \"Namespaced\""));
        }

        if (versions is null || versions.Count == 0)
        {
            causes.Add(new ValidationCause("FieldValueInvalid", "spec.versions", "Invalid value: null: must have exactly one version marked as storage version"));
        }
        else if (versions.Count(v => v?["storage"]?.GetValue<bool>() == true) != 1)
        {
            causes.Add(new ValidationCause("FieldValueInvalid", "spec.versions", "Invalid value: []apiextensions.CustomResourceDefinitionVersion: must have exactly one version marked as storage version"));
        }

        if (group is not null && plural is not null && name != $"{plural}.{group}")
        {
            causes.Add(new ValidationCause("FieldValueInvalid", "metadata.name", $"Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group"));
        }

        if (causes.Count > 0 || names is null || kind is null)
        {
            return;
        }

        names["singular"] ??= kind.ToLowerInvariant();
        names["listKind"] ??= kind + "List";
        var storage = versions!.Where(v => v?["storage"]?.GetValue<bool>() == true).Select(v => v!["name"]!.GetValue<string>());
        if (old?["status"]?["conditions"] is JsonArray conditions)
        {
            // An update keeps the conditions (and their transition times): the names stay accepted.
            var stored = (old["status"]?["storedVersions"] as JsonArray ?? []).Select(v => v!.GetValue<string>()).Union(storage);
            obj["status"] = new JsonObject
            {
                ["conditions"] = conditions.DeepClone(),
                ["acceptedNames"] = names.DeepClone(),
                ["storedVersions"] = new JsonArray(stored.Select(v => (JsonNode)v).ToArray()),
            };
            return;
        }

        var now = Timestamp(time);
        obj["status"] = new JsonObject
        {
            ["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "NamesAccepted", ["status"] = "True", ["lastTransitionTime"] = now, ["reason"] = "NoConflicts", ["message"] = "no conflicts found" },
                new JsonObject { ["type"] = "Established", ["status"] = "True", ["lastTransitionTime"] = now, ["reason"] = "InitialNamesAccepted", ["message"] = "the initial names have been accepted" }),
            ["acceptedNames"] = names.DeepClone(),
            ["storedVersions"] = new JsonArray(storage.Select(v => (JsonNode)v).ToArray()),
        };
    }

    public static string Timestamp(TimeProvider time) =>
        time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedNamePart();

    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex ConfigKey();
}
