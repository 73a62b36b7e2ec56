using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Benchmarks;

/// <summary>
/// The harness's own client of the sandbox Kubernetes API. It counts its requests and its writes, so that the
/// operator's share of the API traffic is what remains (<see cref="ApiTraffic"/>).
/// </summary>
internal sealed class KubeClient : IDisposable
{
    private readonly HttpClient _http;
    private long _requests;
    private long _writes;

    public KubeClient(Uri baseUri, string bearerToken)
    {
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 32 }) { BaseAddress = baseUri, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
    }

    /// <summary>Requests this client sent (watches count once, when they open).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Writes of this client that changed the store (each bumps the global resourceVersion by one).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    public Task<JsonObject> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, null, write: false, ct);

    public Task<JsonObject> CreateAsync(string path, JsonObject body, CancellationToken ct) => SendAsync(HttpMethod.Post, path, body, "application/json", write: true, ct);

    public Task<JsonObject> MergePatchAsync(string path, JsonObject patch, CancellationToken ct) => SendAsync(HttpMethod.Patch, path, patch, "application/merge-patch+json", write: true, ct);

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
        Interlocked.Increment(ref _requests);
        var response = await _http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStreamAsync(ct);
    }

    /// <summary>The store's current resourceVersion, from the smallest list there is.</summary>
    public async Task<long> ResourceVersionAsync(CancellationToken ct)
    {
        var list = await GetAsync("/api/v1/namespaces/kube-system/configmaps?limit=1", ct);
        return long.Parse(list["metadata"]!["resourceVersion"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, JsonObject? body, string? contentType, bool write, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, contentType!);
        Interlocked.Increment(ref _requests);
        using var response = await _http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{method} {path}: {(int)response.StatusCode} {text}", null, response.StatusCode);
        }

        if (write) Interlocked.Increment(ref _writes);
        return (JsonObject)JsonNode.Parse(text)!;
    }

    public void Dispose() => _http.Dispose();
}
