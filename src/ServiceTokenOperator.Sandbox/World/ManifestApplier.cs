using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace ServiceTokenOperator.Sandbox.World;

/// <summary>
/// Applies YAML manifests to a Kubernetes API the way <c>kubectl apply</c> would for new objects: discovery finds
/// each kind's resource, then create, or replace when it exists. Generic over every kind, so samples need no code.
/// </summary>
public sealed class ManifestApplier(Uri server, string bearerToken) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = server };
    private readonly Dictionary<string, (string Plural, bool Namespaced)> _resources = [];

    /// <summary>Applies every document of a YAML stream; returns "kind/name" of each.</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(string yaml, string? defaultNamespace, CancellationToken cancellationToken)
    {
        var applied = new List<string>();
        foreach (var document in ParseYaml(yaml))
        {
            var apiVersion = (string)document["apiVersion"]!;
            var kind = (string)document["kind"]!;
            var metadata = document["metadata"]!.AsObject();
            var (plural, namespaced) = await ResolveAsync(apiVersion, kind, cancellationToken);
            var ns = namespaced ? (string?)metadata["namespace"] ?? defaultNamespace ?? "default" : null;
            if (ns is not null) metadata["namespace"] = ns;
            var collection = $"{(apiVersion.Contains('/', StringComparison.Ordinal) ? "/apis/" : "/api/")}{apiVersion}/{(ns is null ? "" : $"namespaces/{ns}/")}{plural}";
            var name = (string)metadata["name"]!;

            using var create = await SendAsync(HttpMethod.Post, collection, document, cancellationToken);
            if (create.StatusCode == HttpStatusCode.Conflict)
            {
                // Exists: merge the manifest in, as kubectl apply does, so that what others set (the operator's
                // finalizer, status) stays, and a concurrent write is no resourceVersion conflict.
                using var patch = await SendAsync(HttpMethod.Patch, $"{collection}/{name}", document, cancellationToken, "application/merge-patch+json");
                await EnsureSuccessAsync(patch, kind, name, cancellationToken);
            }
            else
            {
                await EnsureSuccessAsync(create, kind, name, cancellationToken);
            }

            applied.Add($"{kind}/{name}");
        }

        return applied;
    }

    public static IEnumerable<JsonObject> ParseYaml(string yaml)
    {
        var deserializer = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build();
        var serializer = new SerializerBuilder().JsonCompatible().Build();
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<StreamStart>();
        while (parser.Accept<DocumentStart>(out _))
        {
            var graph = deserializer.Deserialize<object?>(parser);
            if (graph is null) continue;
            // Unquoted scalars become numbers and booleans, as YAML 1.1 readers such as kubectl read them.
            yield return JsonNode.Parse(serializer.Serialize(graph))!.AsObject();
        }
    }

    private async Task<(string Plural, bool Namespaced)> ResolveAsync(string apiVersion, string kind, CancellationToken cancellationToken)
    {
        var key = $"{apiVersion}/{kind}";
        if (_resources.TryGetValue(key, out var known)) return known;
        var path = apiVersion.Contains('/', StringComparison.Ordinal) ? $"/apis/{apiVersion}" : $"/api/{apiVersion}";
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        await EnsureSuccessAsync(response, "APIResourceList", apiVersion, cancellationToken);
        var list = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
        foreach (var resource in list["resources"]!.AsArray())
        {
            var name = (string)resource!["name"]!;
            if (name.Contains('/', StringComparison.Ordinal)) continue;
            _resources[$"{apiVersion}/{(string)resource["kind"]!}"] = (name, (bool)resource["namespaced"]!);
        }

        return _resources.TryGetValue(key, out var found) ? found : throw new InvalidOperationException($"the server has no resource of kind {kind} in {apiVersion}");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, contentType);
        return await _http.SendAsync(request, cancellationToken);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string kind, string name, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var message = JsonNode.Parse(body)?["message"]?.GetValue<string>() ?? body;
        throw new InvalidOperationException($"applying {kind} {name}: {(int)response.StatusCode} {message}");
    }

    public void Dispose() => _http.Dispose();
}
