using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>
/// OpenAPI schemas of the built-in kinds, shallow but true: the top-level fields with their types and a
/// sentence each, so <c>kubectl explain secret.data</c> answers as on a cluster. Deeper fields are open objects.
/// </summary>
internal static class BuiltInSchemas
{
    private static readonly Dictionary<string, (string Description, (string Name, string Type, string Description)[] Fields)> Kinds = new(StringComparer.Ordinal)
    {
        ["Secret"] = ("Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.", [
            ("data", "map[string]byte", "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string."),
            ("stringData", "map[string]string", "stringData allows specifying non-binary secret data in string form. It is provided as a write-only input field for convenience: merged into the data field on write, never output when reading."),
            ("type", "string", "Used to facilitate programmatic handling of secret data."),
            ("immutable", "boolean", "Immutable, if set to true, ensures that data stored in the Secret cannot be updated (only object metadata can be modified)."),
        ]),
        ["ConfigMap"] = ("ConfigMap holds configuration data for pods to consume.", [
            ("data", "map[string]string", "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field."),
            ("binaryData", "map[string]byte", "BinaryData contains the binary data. Each key must consist of alphanumeric characters, '-', '_' or '.'."),
            ("immutable", "boolean", "Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated (only object metadata can be modified)."),
        ]),
        ["Lease"] = ("Lease defines a lease concept.", [("spec", "object", "spec contains the specification of the Lease.")]),
        ["ServiceAccount"] = ("ServiceAccount binds together a name, a principal that can be authenticated and authorized, and a set of secrets.", [
            ("secrets", "array", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."),
            ("imagePullSecrets", "array", "ImagePullSecrets is a list of references to secrets in the same namespace to use for pulling any images in pods that reference this ServiceAccount."),
            ("automountServiceAccountToken", "boolean", "AutomountServiceAccountToken indicates whether pods running as this service account should have an API token automatically mounted."),
        ]),
        ["Role"] = ("Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.", [("rules", "array", "Rules holds all the PolicyRules for this Role.")]),
        ["ClusterRole"] = ("ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.", [
            ("rules", "array", "Rules holds all the PolicyRules for this ClusterRole."),
            ("aggregationRule", "object", "AggregationRule is an optional field that describes how to build the Rules for this ClusterRole."),
        ]),
        ["RoleBinding"] = ("RoleBinding references a role, but does not contain it. It adds who information via Subjects and namespace information by which namespace it exists in.", [
            ("roleRef", "object", "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace."),
            ("subjects", "array", "Subjects holds references to the objects the role applies to."),
        ]),
        ["ClusterRoleBinding"] = ("ClusterRoleBinding references a ClusterRole, but not contain it. It can reference a ClusterRole in the global namespace, and adds who information via Subject.", [
            ("roleRef", "object", "RoleRef can only reference a ClusterRole in the global namespace."),
            ("subjects", "array", "Subjects holds references to the objects the role applies to."),
        ]),
    };

    public static JsonObject For(ResourceType type)
    {
        var (description, fields) = Kinds.TryGetValue(type.Kind, out var known)
            ? known
            : ($"{type.Kind} is a built-in {type.ApiVersion} resource.", DefaultFields(type));
        var properties = new JsonObject
        {
            ["apiVersion"] = Field("string", "APIVersion defines the versioned schema of this representation of an object."),
            ["kind"] = Field("string", "Kind is a string value representing the REST resource this object represents."),
            ["metadata"] = Field("object", "Standard object's metadata."),
        };
        foreach (var (name, fieldType, fieldDescription) in fields)
        {
            properties[name] = Field(fieldType, fieldDescription);
        }

        return new JsonObject { ["type"] = "object", ["description"] = description, ["properties"] = properties };
    }

    private static (string, string, string)[] DefaultFields(ResourceType type) => type.HasStatus
        ? [("spec", "object", $"Spec defines the desired behavior of the {type.Kind}."), ("status", "object", $"Status is the most recently observed status of the {type.Kind}. Read-only.")]
        : [];

    private static JsonObject Field(string type, string description) => type switch
    {
        "map[string]string" => new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "string" }, ["description"] = description },
        "map[string]byte" => new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "string", ["format"] = "byte" }, ["description"] = description },
        "array" => new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true }, ["description"] = description },
        "object" => new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true, ["description"] = description },
        _ => new JsonObject { ["type"] = type, ["description"] = description },
    };
}
