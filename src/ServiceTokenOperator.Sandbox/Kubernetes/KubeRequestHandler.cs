using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>
/// Turns HTTP requests into store operations the way the apiserver's handler chain does: authentication,
/// injected faults, authorization, path resolution, content negotiation (JSON or Table), verbs and watches.
/// </summary>
internal sealed class KubeRequestHandler(
    ObjectStore store, ResourceRegistry registry, KubeFaults faults, TableConverter tables, Func<string, KubeUser?> authenticate, Func<Uri> baseUri)
{
    private static readonly string[] NamespaceSubresources = ["status", "finalize"];
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly KubeUser InsecurePortUser = new("system:unsecured", ["system:masters", "system:authenticated"]);
    private readonly WatchResponder _watches = new(store, faults, tables);
    private long _requests;

    public long RequestCount => Interlocked.Read(ref _requests);

    public KubeRequestStats Stats { get; } = new();

    public IKubeAuthorizer Authorizer { get; set; } = new AllowAllAuthorizer();

    public void Stop() => _watches.Stop();

    public async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        try
        {
            await ServeAsync(context);
        }
        catch (KubeApiException e)
        {
            await WriteJsonAsync(context, e.Code, e.ToStatus());
        }
        catch (JsonException e)
        {
            await WriteJsonAsync(context, 400, KubeStatus.Failure(400, "BadRequest", $"the body of the request could not be decoded: {e.Message}"));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            await WriteJsonAsync(context, 500, KubeStatus.Failure(500, "InternalError", $"Internal error occurred: {e.GetType().Name}: {e.Message}"));
        }
    }

    private async Task ServeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is ["healthz" or "livez" or "readyz", ..])
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("ok");
            return;
        }

        if (segments is ["version"])
        {
            await WriteJsonAsync(context, 200, Discovery.Version());
            return;
        }

        var auth = context.Request.Headers.Authorization.ToString();

        // kubectl sends no credentials over plain http, so a request without any is served as the apiserver's
        // old insecure port did: as a cluster admin. A bearer token that is present must be known.
        var user = auth.Length == 0 ? InsecurePortUser
            : auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authenticate(auth[7..].Trim()) : null;
        if (user is null)
        {
            await WriteJsonAsync(context, 401, KubeStatus.Failure(401, "Unauthorized", "Unauthorized"));
            return;
        }

        if (faults.Latency > TimeSpan.Zero)
        {
            await Task.Delay(faults.Latency, context.RequestAborted);
        }

        switch (segments)
        {
            case ["api" or "apis"] when WantsAggregatedDiscovery(context):
                await WriteJsonAsync(context, 200, Discovery.Aggregated(registry, core: segments[0] == "api"), Discovery.AggregatedMediaType);
                return;
            case ["api"]:
                await WriteJsonAsync(context, 200, Discovery.CoreVersions(baseUri()));
                return;
            case ["api", var v] when registry.All.Any(t => t.Group.Length == 0 && t.Version == v):
                await WriteJsonAsync(context, 200, Discovery.ResourceList(registry, string.Empty, v));
                return;
            case ["apis"]:
                await WriteJsonAsync(context, 200, Discovery.GroupList(registry));
                return;
            case ["apis", var g] when registry.Groups().FirstOrDefault(x => x.Group == g) is { Group: not null } found:
                await WriteJsonAsync(context, 200, Discovery.Group(found.Group, found.Versions));
                return;
            case ["apis", var g, var v] when registry.All.Any(t => t.Group == g && t.Version == v):
                await WriteJsonAsync(context, 200, Discovery.ResourceList(registry, g, v));
                return;
            case ["openapi", "v2"] when !AcceptsJson(context):
                // client-go asks for the protobuf form only; a server that cannot produce it answers 406, and
                // kubectl then goes on with its compiled-in types.
                throw new KubeApiException(406, "NotAcceptable", "the server was unable to respond with a content type that the client supports");
            case ["openapi", "v2"]:
                await WriteJsonAsync(context, 200, OpenApiDocuments.SwaggerV2(registry));
                return;
            case ["openapi", "v3"]:
                await WriteJsonAsync(context, 200, OpenApiDocuments.Root(registry));
                return;
            case ["openapi", "v3", "api", var v]:
                await WriteJsonAsync(context, 200, OpenApiDocuments.GroupVersion(registry, string.Empty, v));
                return;
            case ["openapi", "v3", "apis", var g, var v]:
                await WriteJsonAsync(context, 200, OpenApiDocuments.GroupVersion(registry, g, v));
                return;
            case ["apis", "authorization.k8s.io", "v1", "selfsubjectaccessreviews"] when context.Request.Method == "POST":
                await ReviewAccessAsync(context, user);
                return;
            case ["api", var v, .. var rest] when rest.Length > 0:
                await ServeResourceAsync(context, user, string.Empty, v, rest);
                return;
            case ["apis", var g, var v, .. var rest] when rest.Length > 0:
                await ServeResourceAsync(context, user, g, v, rest);
                return;
            default:
                throw NotServed();
        }
    }

    /// <summary>SelfSubjectAccessReview (<c>kubectl auth can-i</c>): asks the authorizer about the caller.</summary>
    private async Task ReviewAccessAsync(HttpContext context, KubeUser user)
    {
        var review = await ReadObjectAsync(context);
        var attributes = review["spec"]?["resourceAttributes"] as JsonObject;
        var allowed = attributes is not null && Authorizer.Allows(user, new KubeRequestAttributes(
            attributes["verb"]?.GetValue<string>() ?? string.Empty,
            attributes["group"]?.GetValue<string>() ?? string.Empty,
            attributes["resource"]?.GetValue<string>() ?? string.Empty,
            NullIfEmpty(attributes["subresource"]?.GetValue<string>() ?? string.Empty),
            NullIfEmpty(attributes["namespace"]?.GetValue<string>() ?? string.Empty),
            NullIfEmpty(attributes["name"]?.GetValue<string>() ?? string.Empty)));
        review["apiVersion"] = "authorization.k8s.io/v1";
        review["kind"] = "SelfSubjectAccessReview";
        review["status"] = new JsonObject { ["allowed"] = allowed || (attributes is null && review["spec"]?["nonResourceAttributes"] is not null) };
        await WriteJsonAsync(context, 201, review);
    }

    /// <summary>The scale subresource: an autoscaling/v1 Scale view of the object's replicas.</summary>
    private async Task ScaleAsync(HttpContext context, ResourceType type, string? ns, string name, string verb, WriteOptions options)
    {
        JsonObject result;
        if (verb == "get")
        {
            result = Scale.From(type, store.Get(type, ns, name));
        }
        else if (verb is "update" or "patch")
        {
            var text = await ReadBodyAsync(context);
            var contentType = (context.Request.ContentType ?? string.Empty).Split(';')[0].Trim();
            var current = Scale.From(type, store.Get(type, ns, name));
            var desired = verb == "update" ? ParseObject(text) : contentType switch
            {
                "application/json-patch+json" => AsObject(JsonPatch.Apply(current, JsonNode.Parse(text))),
                "application/strategic-merge-patch+json" or "application/merge-patch+json" or "application/apply-patch+yaml" => AsObject(JsonMergePatch.Apply(current, ParseObject(text))),
                _ => throw KubeApiException.UnsupportedMediaType("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json"),
            };
            var replicas = desired["spec"]?["replicas"] ?? throw KubeApiException.BadRequest("Scale.spec.replicas is required");
            if (desired["metadata"]?["resourceVersion"]?.GetValue<string>() is { Length: > 0 } rv && rv != current["metadata"]?["resourceVersion"]?.GetValue<string>())
            {
                throw KubeApiException.StaleResourceVersion(type, name);
            }

            var (updated, _) = store.Patch(type, ns, name, obj => Scale.WithReplicas(obj!, type.SpecReplicasPath, replicas), status: false, createIfMissing: false, options);
            result = Scale.From(type, updated);
        }
        else
        {
            throw KubeApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
        }

        await WriteJsonAsync(context, 200, result);
    }

    private static KubeApiException NotServed() =>
        new(404, "NotFound", "the server could not find the requested resource");

    private async Task ServeResourceAsync(HttpContext context, KubeUser user, string group, string version, string[] rest)
    {
        var query = context.Request.Query;
        var watch = query["watch"] is [var w, ..] && (w == "true" || w == "1");
        if (rest[0] == "watch")
        {
            watch = true;
            rest = rest[1..];
        }

        string? ns = null;
        if (rest.Length >= 3 && rest[0] == "namespaces" && !NamespaceSubresources.Contains(rest[2]))
        {
            ns = rest[1];
            rest = rest[2..];
        }

        if (rest.Length is 0 or > 3)
        {
            throw NotServed();
        }

        var type = registry.Find(group, version, rest[0]) ?? throw NotServed();
        var name = rest.Length > 1 ? rest[1] : null;
        var subresource = rest.Length > 2 ? rest[2] : null;
        if ((ns is not null && !type.Namespaced) || (subresource is not null && !(subresource == "status" && type.HasStatus)
            && !(subresource == "scale" && type.HasScale) && !(subresource == "finalize" && type.Key == "/namespaces")))
        {
            throw NotServed();
        }

        var method = context.Request.Method;
        var verb = method switch
        {
            "GET" when watch => "watch",
            "GET" => name is null ? "list" : "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => name is null ? "deletecollection" : "delete",
            _ => throw KubeApiException.MethodNotAllowed($"the server does not allow this method on the requested resource"),
        };

        Stats.Record(verb, type.Plural, subresource);
        if (faults.TakeFailure(verb, type.Plural, subresource) is { } code)
        {
            if (code == 429)
            {
                context.Response.Headers.RetryAfter = "1";
            }

            var details = code == 429 ? new JsonObject { ["retryAfterSeconds"] = 1 } : null;
            await WriteJsonAsync(context, code, KubeStatus.Failure(code, KubeStatus.ReasonFor(code), $"injected fault: {verb} {type.GroupResource} answered {code}", details));
            return;
        }

        if (!Authorizer.Allows(user, new KubeRequestAttributes(verb, group, type.Plural, subresource, ns, name)))
        {
            var scope = ns is null ? "at the cluster scope" : $"in the namespace \"{ns}\"";
            throw new KubeApiException(403, "Forbidden",
                $"{type.GroupResource}{(name is null ? string.Empty : $" \"{name}\"")} is forbidden: User \"{user.Name}\" cannot {verb} resource \"{type.Plural}\" in API group \"{group}\" {scope}",
                new JsonObject { ["name"] = name, ["group"] = group, ["kind"] = type.Plural });
        }

        var options = new WriteOptions(query["dryRun"].ToString() == "All", FieldValidation(query["fieldValidation"].ToString())) { Manager = ManagerOf(context) };
        var status = subresource == "status";
        if (subresource == "scale")
        {
            await ScaleAsync(context, type, ns, name!, verb, options);
            return;
        }

        // Every verb negotiates its representation before touching the store, as the apiserver's handlers do
        // (get.go, create.go, update.go, patch.go, delete.go), and answers in it (response.go transformResponseObject).
        var output = ContentNegotiation.Negotiate(context.Request.Headers.Accept.ToString(), type.IsCustom);
        switch (verb)
        {
            case "get":
                await GetAsync(context, type, ns, name!, output);
                return;
            case "list":
                await ListAsync(context, type, ns, output);
                return;
            case "watch":
                await _watches.WatchAsync(context, type, ns, name, output);
                return;
            case "create" when name is null:
                {
                    var body = await ReadObjectAsync(context);
                    var created = store.Create(type, ns, body, options);
                    await WriteResultAsync(context, 201, Represent(context, type, created, output), options);
                    return;
                }

            case "update" when name is not null:
                {
                    var body = await ReadObjectAsync(context);
                    await WriteResultAsync(context, 200, Represent(context, type, store.Update(type, ns, name, body, status, options), output), options);
                    return;
                }

            case "patch" when name is not null:
                await PatchAsync(context, type, ns, name, status, options, output);
                return;
            case "delete":
                await DeleteAsync(context, type, ns, name!, output);
                return;
            case "deletecollection":
                {
                    var deleteOptions = await ReadDeleteOptionsAsync(context);
                    var deleted = store.DeleteCollection(type, ns, LabelSelector.Parse(query["labelSelector"]), FieldSelector.Parse(query["fieldSelector"]), deleteOptions);
                    await WriteJsonAsync(context, 200, Represent(context, type, ListOf(type, deleted, store.CurrentResourceVersion, null, null), output, list: true));
                    return;
                }

            default:
                throw KubeApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    private static string FieldValidation(string value) => value switch
    {
        "" => "Warn",
        "Strict" or "Warn" or "Ignore" => value,
        _ => throw KubeApiException.BadRequest($"fieldValidation parameter unsupported: {value}"),
    };

    private async Task GetAsync(HttpContext context, ResourceType type, string? ns, string name, OutputConversion? output) =>
        await WriteJsonAsync(context, 200, Represent(context, type, store.Get(type, ns, name), output));

    /// <summary>
    /// A response object in the negotiated representation (response.go <c>doTransformObject</c>): a Status is never
    /// converted; asking a single object for a list, or a list for a single object, is 406 even after a write.
    /// </summary>
    private JsonObject Represent(HttpContext context, ResourceType type, JsonObject result, OutputConversion? output, bool list = false)
    {
        if (output is null || result["kind"]?.GetValue<string>() == "Status")
        {
            return result;
        }

        var items = list ? result["items"]!.AsArray().Select(i => i!.AsObject()).ToList() : [result];
        if (output.IsTable)
        {
            var rv = list ? result["metadata"]?["resourceVersion"]?.GetValue<string>() ?? store.CurrentResourceVersion : store.CurrentResourceVersion;
            var table = tables.Convert(type, items, rv, IncludeObject(context));
            table["apiVersion"] = output.ApiVersion;
            if (result["metadata"]?["continue"] is { } continueToken)
            {
                table["metadata"]!["continue"] = continueToken.DeepClone();
            }

            return table;
        }

        if (output.IsPartialObject)
        {
            return list
                ? throw new KubeApiException(406, "NotAcceptable", $"you requested PartialObjectMetadata, but the requested object is a list ({GoTypeName(type, list: true)})")
                : PartialObjectMetadata.From(result, output.ApiVersion);
        }

        if (!list)
        {
            throw new KubeApiException(406, "NotAcceptable", $"you requested PartialObjectMetadataList, but the requested object is not a list ({GoTypeName(type, list: false)})");
        }

        result["items"] = new JsonArray(items.Select(i => (JsonNode)PartialObjectMetadata.From(i, output.ApiVersion)).ToArray());
        return AsPartialList(result, output);
    }

    /// <summary>Relabels a list whose items are already PartialObjectMetadata; v1beta1's list has no remainingItemCount.</summary>
    private static JsonObject AsPartialList(JsonObject list, OutputConversion output)
    {
        list["kind"] = OutputConversion.PartialList;
        list["apiVersion"] = output.ApiVersion;
        if (output.ApiVersion.EndsWith("/v1beta1", StringComparison.Ordinal))
        {
            list["metadata"]!.AsObject().Remove("remainingItemCount");
        }

        return list;
    }

    private async Task ListAsync(HttpContext context, ResourceType type, string? ns, OutputConversion? output)
    {
        // The apiserver lists first and then fails the transform; the answer is the same without the work.
        if (output is { IsPartialObject: true })
        {
            throw new KubeApiException(406, "NotAcceptable", $"you requested PartialObjectMetadata, but the requested object is a list ({GoTypeName(type, list: true)})");
        }

        var query = context.Request.Query;
        var limit = int.TryParse(query["limit"], CultureInfo.InvariantCulture, out var l) ? l : 0;
        var continueToken = query["continue"].ToString();
        var (exact, minimum) = ListResourceVersion(query["resourceVersion"].ToString(), query["resourceVersionMatch"].ToString(), continueToken);
        var result = store.List(type, ns, LabelSelector.Parse(query["labelSelector"]), FieldSelector.Parse(query["fieldSelector"]), limit,
            continueToken.Length == 0 ? null : continueToken, exact, minimum, output is { IsPartialList: true } ? output.ApiVersion : null);
        var list = ListOf(type, result.Items, result.ResourceVersion, result.Continue, result.RemainingItemCount);

        // The store already projected each item of a metadata list, so no Secret data was copied.
        await WriteJsonAsync(context, 200, output is { IsPartialList: true } ? AsPartialList(list, output) : Represent(context, type, list, output, list: true));
    }

    /// <summary>How Go's %T names the stored type in the apiserver's NotAcceptable messages.</summary>
    private static string GoTypeName(ResourceType type, bool list) => type.IsCustom
        ? list ? "*unstructured.UnstructuredList" : "*unstructured.Unstructured"
        : $"*{(type.Group.Length == 0 ? "core" : type.Group.Split('.')[0])}.{type.Kind}{(list ? "List" : string.Empty)}";

    /// <summary>
    /// A list's resourceVersion and resourceVersionMatch: unset or "0" is any (the sandbox always serves the
    /// latest), a number is NotOlderThan unless the match says Exact.
    /// </summary>
    private static (long? Exact, long? Minimum) ListResourceVersion(string rv, string match, string continueToken)
    {
        if (match.Length > 0 && rv.Length == 0)
        {
            throw KubeApiException.BadRequest("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided");
        }

        if (match.Length > 0 && continueToken.Length > 0)
        {
            throw KubeApiException.BadRequest("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided");
        }

        if (match is not ("" or "Exact" or "NotOlderThan"))
        {
            throw KubeApiException.BadRequest($"resourceVersionMatch: Unsupported value: \"{match}\": supported values: \"Exact\", \"NotOlderThan\", \"\"");
        }

        if (rv.Length == 0 || rv == "0")
        {
            return match == "Exact"
                ? throw KubeApiException.BadRequest("resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"")
                : (null, null);
        }

        if (!long.TryParse(rv, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            throw new KubeApiException(400, "BadRequest", $"resourceVersion: Invalid value: \"{rv}\": invalid resource version");
        }

        return match == "Exact" ? (number, null) : (null, number);
    }

    private static JsonObject ListOf(ResourceType type, IReadOnlyList<JsonObject> items, string rv, string? continueToken, long? remaining)
    {
        var metadata = new JsonObject { ["resourceVersion"] = rv };
        if (continueToken is not null)
        {
            metadata["continue"] = continueToken;
        }

        if (remaining is not null)
        {
            metadata["remainingItemCount"] = remaining;
        }

        return new JsonObject
        {
            ["kind"] = type.Kind + "List",
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = metadata,
            ["items"] = new JsonArray(items.Select(i => (JsonNode)i).ToArray()),
        };
    }

    private static bool IncludeObject(HttpContext context) => context.Request.Query["includeObject"].ToString() == "Object";

    private async Task PatchAsync(HttpContext context, ResourceType type, string? ns, string name, bool status, WriteOptions options, OutputConversion? output)
    {
        var contentType = (context.Request.ContentType ?? string.Empty).Split(';')[0].Trim();
        var text = await ReadBodyAsync(context);
        if (context.Request.Query["force"].Count > 0 && !contentType.StartsWith("application/apply-patch", StringComparison.Ordinal))
        {
            throw KubeApiException.BadRequest("force: Invalid value: true: may not be specified for non-apply patch");
        }

        Func<JsonObject?, JsonObject> patch;
        var apply = false;
        switch (contentType)
        {
            case "application/merge-patch+json":
                {
                    var body = JsonNode.Parse(text);
                    patch = current => AsObject(JsonMergePatch.Apply(current, body));
                    break;
                }

            case "application/json-patch+json":
                {
                    var body = JsonNode.Parse(text);
                    patch = current => AsObject(JsonPatch.Apply(current ?? [], body));
                    break;
                }

            case "application/strategic-merge-patch+json" when !type.IsCustom:
                {
                    var body = JsonNode.Parse(text);
                    patch = current => AsObject(StrategicMergePatch.Apply(current, body));
                    break;
                }

            case "application/apply-patch+yaml" or "application/apply-patch+json" or "application/apply-patch+cbor":
                {
                    if (context.Request.Query["fieldManager"].ToString().Length == 0)
                    {
                        throw KubeApiException.BadRequest("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
                    }

                    var body = AsObject(WithoutNulls(ParseObject(text)));
                    var force = context.Request.Query["force"].ToString() == "true";
                    apply = true;
                    options = options with { Apply = true };
                    patch = current => ManagedFields.Apply(current, body, type, options.Manager, force, status, store.Now());
                    break;
                }

            default:
                throw KubeApiException.UnsupportedMediaType(
                    $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml{(type.IsCustom ? string.Empty : ", application/strategic-merge-patch+json")}");
        }

        var (result, created) = store.Patch(type, ns, name, patch, status, apply, options);
        await WriteResultAsync(context, created ? 201 : 200, Represent(context, type, result, output), options);
    }

    private static JsonNode? WithoutNulls(JsonNode? node)
    {
        if (node is JsonObject obj)
        {
            var copy = new JsonObject();
            foreach (var (key, value) in obj.Where(p => p.Value is not null))
            {
                copy[key] = WithoutNulls(value);
            }

            return copy;
        }

        return node?.DeepClone();
    }

    private static JsonObject AsObject(JsonNode? node) =>
        node as JsonObject ?? throw KubeApiException.BadRequest("the patch produced something other than an object");

    private async Task DeleteAsync(HttpContext context, ResourceType type, string? ns, string name, OutputConversion? output)
    {
        var options = await ReadDeleteOptionsAsync(context);
        var (obj, removed) = store.Delete(type, ns, name, options);
        if (removed && !type.IsCustom && type.Key is not ("/pods" or "/namespaces"))
        {
            await WriteJsonAsync(context, 200, KubeStatus.Success(type, name, obj["metadata"]?["uid"]?.GetValue<string>() ?? string.Empty));
            return;
        }

        await WriteJsonAsync(context, 200, Represent(context, type, obj, output));
    }

    private static async Task<DeleteOptions> ReadDeleteOptionsAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var text = await ReadBodyAsync(context);
        var body = text.Trim().Length == 0 ? null : JsonNode.Parse(text) as JsonObject;
        var policy = body?["propagationPolicy"]?.GetValue<string>() ?? NullIfEmpty(query["propagationPolicy"].ToString());
        if (policy is null && body?["orphanDependents"]?.GetValueKind() == JsonValueKind.True)
        {
            policy = "Orphan";
        }

        if (policy is not (null or "Background" or "Foreground" or "Orphan"))
        {
            throw KubeApiException.BadRequest($"DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"{policy}\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"");
        }

        var dryRun = query["dryRun"].ToString() == "All" || body?["dryRun"] is JsonArray { Count: > 0 };
        return new DeleteOptions(
            policy,
            body?["preconditions"]?["uid"]?.GetValue<string>(),
            body?["preconditions"]?["resourceVersion"]?.GetValue<string>(),
            dryRun);
    }

    /// <summary>The fieldManager query parameter, else the User-Agent up to its first '/', as the apiserver defaults it.</summary>
    private static string ManagerOf(HttpContext context)
    {
        var manager = context.Request.Query["fieldManager"].ToString();
        if (manager.Length > 0)
        {
            return manager;
        }

        var agent = context.Request.Headers.UserAgent.ToString();
        return agent.Length == 0 ? "unknown" : agent.Split('/')[0];
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static async Task WriteResultAsync(HttpContext context, int code, JsonObject obj, WriteOptions options)
    {
        foreach (var warning in options.Warnings)
        {
            var quoted = warning.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
            context.Response.Headers.Append("Warning", $"299 - \"{quoted}\"");
        }

        await WriteJsonAsync(context, code, obj);
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext context)
    {
        if (context.Request.ContentType?.StartsWith(ProtobufBody.MediaType, StringComparison.Ordinal) == true)
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            return ProtobufBody.Decode(buffer.ToArray());
        }

        return ParseObject(await ReadBodyAsync(context));
    }

    private static JsonObject ParseObject(string text)
    {
        var trimmed = text.TrimStart();
        var node = trimmed.StartsWith('{') ? JsonNode.Parse(text) : YamlJson.Parse(text);
        return node as JsonObject ?? throw KubeApiException.BadRequest("the body of the request must be an object");
    }

    private static async Task<string> ReadBodyAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(context.RequestAborted);
    }

    private static bool AcceptsJson(HttpContext context)
    {
        var accept = context.Request.Headers.Accept.ToString();
        return accept.Length == 0 || accept.Contains("application/json", StringComparison.Ordinal) || accept.Contains("*/*", StringComparison.Ordinal);
    }

    private static bool WantsAggregatedDiscovery(HttpContext context) =>
        context.Request.Headers.Accept.ToString().Contains("g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", StringComparison.Ordinal);

    private static async Task WriteJsonAsync(HttpContext context, int code, JsonNode body, string contentType = "application/json")
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString(Relaxed));
        context.Response.StatusCode = code;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }
}
