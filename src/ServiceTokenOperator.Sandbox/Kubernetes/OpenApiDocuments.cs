using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>
/// /openapi/v3 documents (and the same in swagger 2.0 form for /openapi/v2 in JSON), enough for kubectl: the
/// PATCH operations declare the fieldValidation parameter (so kubectl validates on the server); every schema
/// names its x-kubernetes-group-version-kind (for kubectl explain), custom resources with their CRD schema,
/// built-ins with <see cref="BuiltInSchemas"/>.
/// </summary>
/// <remarks>
/// The PATCH operations of built-ins do not declare strategic merge, although the server takes it: kubectl
/// apply would otherwise compute its patches from these shallow schemas (treating every list as atomic)
/// instead of from its compiled-in types, as it does against a cluster. Custom resources never take it.
/// </remarks>
internal static class OpenApiDocuments
{
    public static JsonObject Root(ResourceRegistry registry)
    {
        var paths = new JsonObject();
        foreach (var gv in registry.All.Select(t => (t.Group, t.Version)).Distinct())
        {
            var path = GroupVersionPath(gv.Group, gv.Version);
            paths[path] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{path}?hash={Hash(registry, gv.Group, gv.Version)}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    public static string GroupVersionPath(string group, string version) => group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";

    public static JsonObject GroupVersion(ResourceRegistry registry, string group, string version)
    {
        var paths = new JsonObject();
        var schemas = new JsonObject();
        foreach (var type in registry.All.Where(t => t.Group == group && t.Version == version))
        {
            var gvk = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = type.Kind };
            var prefix = $"/{GroupVersionPath(group, version)}{(type.Namespaced ? "/namespaces/{namespace}" : string.Empty)}/{type.Plural}";
            var contentTypes = new JsonObject
            {
                ["application/json-patch+json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } },
                ["application/merge-patch+json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } },
                ["application/apply-patch+yaml"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } },
            };
            var parameters = new JsonArray(
                new JsonObject { ["name"] = "dryRun", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                new JsonObject { ["name"] = "fieldManager", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                new JsonObject { ["name"] = "fieldValidation", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                new JsonObject { ["name"] = "force", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "boolean" } });
            var schemaName = SchemaName(type);
            var reference = new JsonObject { ["$ref"] = $"#/components/schemas/{schemaName}" };
            var ok = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK", ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = reference.DeepClone() } } } };
            paths[prefix + "/{name}"] = new JsonObject
            {
                ["get"] = Operation("read", type, gvk, ok),
                ["put"] = Operation("replace", type, gvk, ok),
                ["delete"] = Operation("delete", type, gvk, ok),
                ["patch"] = new JsonObject
                {
                    ["operationId"] = $"patch{type.Kind}",
                    ["parameters"] = parameters,
                    ["requestBody"] = new JsonObject { ["content"] = contentTypes, ["required"] = true },
                    ["responses"] = ok.DeepClone(),
                    ["x-kubernetes-action"] = "patch",
                    ["x-kubernetes-group-version-kind"] = gvk.DeepClone(),
                },
            };
            paths[prefix] = new JsonObject
            {
                ["get"] = Operation("list", type, gvk, ok),
                ["post"] = Operation("create", type, gvk, ok),
            };

            var schema = type.Schema?.DeepClone().AsObject() ?? BuiltInSchemas.For(type);
            if (schema["properties"] is JsonObject properties)
            {
                properties["metadata"] = new JsonObject
                {
                    ["type"] = "object",
                    ["description"] = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
                };
                properties["apiVersion"] ??= new JsonObject { ["type"] = "string", ["description"] = "APIVersion defines the versioned schema of this representation of an object." };
                properties["kind"] ??= new JsonObject { ["type"] = "string", ["description"] = "Kind is a string value representing the REST resource this object represents." };
            }

            schema["x-kubernetes-group-version-kind"] = new JsonArray(gvk.DeepClone());

            schemas[schemaName] = schema;
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    /// <summary>
    /// /openapi/v2 as swagger 2.0 JSON: every group-version's PATCH operations (with consumes) and schemas
    /// (as definitions). The apiserver also serves it as protobuf, which the sandbox does not.
    /// </summary>
    public static JsonObject SwaggerV2(ResourceRegistry registry)
    {
        var paths = new JsonObject();
        var definitions = new JsonObject();
        foreach (var (group, version) in registry.All.Select(t => (t.Group, t.Version)).Distinct())
        {
            var v3 = GroupVersion(registry, group, version);
            foreach (var (path, item) in v3["paths"]!.AsObject())
            {
                var operations = new JsonObject();
                foreach (var (method, operation) in item!.AsObject())
                {
                    var converted = operation!.DeepClone().AsObject();
                    converted.Remove("responses");
                    if (converted["requestBody"] is JsonObject body)
                    {
                        converted.Remove("requestBody");
                        converted["consumes"] = new JsonArray(body["content"]!.AsObject().Select(c => (JsonNode)c.Key).ToArray());
                    }

                    converted["produces"] = new JsonArray("application/json", "application/yaml");
                    converted["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } };
                    operations[method] = converted;
                }

                paths[path] = operations;
            }

            foreach (var (name, schema) in v3["components"]!["schemas"]!.AsObject())
            {
                definitions[name] = schema!.DeepClone();
            }
        }

        return new JsonObject
        {
            ["swagger"] = "2.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["definitions"] = definitions,
        };
    }

    private static JsonObject Operation(string verb, ResourceType type, JsonObject gvk, JsonObject responses) => new()
    {
        ["operationId"] = $"{verb}{type.Kind}",
        ["responses"] = responses.DeepClone(),
        ["x-kubernetes-action"] = verb == "read" ? "get" : verb == "replace" ? "put" : verb,
        ["x-kubernetes-group-version-kind"] = gvk.DeepClone(),
    };

    private static string SchemaName(ResourceType type)
    {
        var group = type.Group.Length == 0 ? "io.k8s.api.core" : string.Join('.', type.Group.Split('.').Reverse());
        return $"{group}.{type.Version}.{type.Kind}";
    }

    private static string Hash(ResourceRegistry registry, string group, string version)
    {
        var text = string.Join(';', registry.All.Where(t => t.Group == group && t.Version == version)
            .Select(t => t.Plural + (t.Schema?.ToJsonString() ?? string.Empty) + (t.PrinterColumns?.ToJsonString() ?? string.Empty)));
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..16];
    }
}
