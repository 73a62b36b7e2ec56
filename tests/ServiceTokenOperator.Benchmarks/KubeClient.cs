using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Benchmarks;

/// <summary>
/// The harness's own client of the sandbox Kubernetes API. It counts its requests the way
/// <c>KubeApiServer.Stats</c> does ("verb resource", every attempt, failed ones included), so that the operator's
/// share of the API traffic is what remains (<see cref="ApiTraffic"/>).
/// </summary>
internal sealed class KubeClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _byVerbAndResource = new(StringComparer.Ordinal);

    public KubeClient(Uri baseUri, string bearerToken)
    {
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 32 }) { BaseAddress = baseUri, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
    }

    /// <summary>This client's requests so far, keyed like <c>KubeRequestStats.ByVerbAndResource</c> ("list servicetokens").</summary>
    public IReadOnlyDictionary<string, long> ByVerbAndResource()
    {
        lock (_gate) return new Dictionary<string, long>(_byVerbAndResource, StringComparer.Ordinal);
    }

    public Task<JsonObject> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, null, ct);

    public Task<JsonObject> CreateAsync(string path, JsonObject body, CancellationToken ct) => SendAsync(HttpMethod.Post, path, body, "application/json", ct);

    public Task<JsonObject> MergePatchAsync(string path, JsonObject patch, CancellationToken ct) => SendAsync(HttpMethod.Patch, path, patch, "application/merge-patch+json", ct);

    public Task<JsonObject> DeleteAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Delete, path, null, null, ct);

    /// <summary>Creates, and accepts that the object already exists (no write then).</summary>
    public async Task EnsureAsync(string path, JsonObject body, CancellationToken ct)
    {
        try
        {
            await CreateAsync(path, body, ct);
        }
        catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            // Already there.
        }
    }

    /// <summary>Opens a watch stream; the caller reads line-delimited events.</summary>
    public async Task<Stream> WatchAsync(string path, CancellationToken ct)
    {
        Count(HttpMethod.Get, path);
        var response = await _http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStreamAsync(ct);
    }

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, JsonObject? body, string? contentType, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, contentType!);
        Count(method, path);
        using var response = await _http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{method} {path}: {(int)response.StatusCode} {text}", null, response.StatusCode);
        }

        return (JsonObject)JsonNode.Parse(text)!;
    }

    /// <summary>
    /// The key the sandbox's request stats file this request under: the verb from the method (a GET is a watch with
    /// watch=true, a list without a name) and the resource, with its subresource, from the path.
    /// </summary>
    internal static string Key(HttpMethod method, string path)
    {
        var query = path.IndexOf('?', StringComparison.Ordinal);
        var watch = query >= 0 && path[query..].Contains("watch=true", StringComparison.Ordinal);
        var segments = (query >= 0 ? path[..query] : path).Split('/', StringSplitOptions.RemoveEmptyEntries);
        // /api/v1/... or /apis/GROUP/VERSION/...
        var rest = segments.Length > 0 && segments[0] == "api" ? segments[2..] : segments[3..];
        if (rest.Length >= 3 && rest[0] == "namespaces") rest = rest[2..];
        var resource = rest.Length > 2 ? $"{rest[0]}/{rest[2]}" : rest[0];
        var named = rest.Length > 1;
        var verb = method.Method switch
        {
            "GET" when watch => "watch",
            "GET" => named ? "get" : "list",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            _ => named ? "delete" : "deletecollection",
        };
        return $"{verb} {resource}";
    }

    private void Count(HttpMethod method, string path)
    {
        var key = Key(method, path);
        lock (_gate) _byVerbAndResource[key] = _byVerbAndResource.GetValueOrDefault(key) + 1;
    }

    public void Dispose() => _http.Dispose();
}
