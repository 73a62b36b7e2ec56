using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ServiceTokenOperator.Sandbox.Kubernetes;
using Xunit.Abstractions;

namespace ServiceTokenOperator.IntegrationTests.Sandbox.Kubernetes;

/// <summary>
/// The sandbox API at the size the issue names: 10,000 objects and 50 concurrent watchers. It checks
/// correctness only (every watcher sees every event, in order; lists page through everything) and prints the
/// measured throughput; nothing here asserts on time.
/// </summary>
public sealed class KubeApiServerCapacityTests(ITestOutputHelper output)
{
    private const int Objects = 10_000;
    private const int Watchers = 50;
    private const int Writers = 8;

    [Fact]
    public async Task TenThousandObjectsFiftyWatchers_EveryWatcherSeesEveryEventInOrder()
    {
        await using var server = await KubeApiServer.StartAsync(new KubeApiOptions { WatchCacheSize = 4 * Objects });
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Watchers + Writers + 4 }) { BaseAddress = server.BaseUri, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.AdminToken);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await SendAsync(http, HttpMethod.Post, "/api/v1/namespaces", """{"metadata":{"name":"cap"}}""", deadline.Token);
        var (_, listed) = await SendAsync(http, HttpMethod.Get, "/api/v1/namespaces/cap/configmaps", null, deadline.Token);
        var startRv = JsonDocument.Parse(listed).RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString();

        // Half the watchers watch the namespace, half watch every namespace: the cluster-wide ones see the same events.
        var streams = new List<Stream>();
        for (var i = 0; i < Watchers; i++)
        {
            var path = i % 2 == 0 ? "/api/v1/namespaces/cap/configmaps" : "/api/v1/configmaps";
            var response = await http.GetAsync($"{path}?watch=true&allowWatchBookmarks=true&resourceVersion={startRv}", HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            response.EnsureSuccessStatusCode();
            streams.Add(await response.Content.ReadAsStreamAsync(deadline.Token));
        }

        var watching = streams.Select(s => Task.Run(() => ReadEventsAsync(s, 2 * Objects, deadline.Token))).ToList();
        var writes = Stopwatch.StartNew();
        var delivery = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < Objects; i += Writers)
            {
                var body = $$$"""{"metadata":{"name":"cm-{{{i:D5}}}","labels":{"batch":"{{{i % 10}}}"}},"data":{"k":"v{{{i}}}"}}""";
                await SendAsync(http, HttpMethod.Post, "/api/v1/namespaces/cap/configmaps", body, deadline.Token);
            }

            for (var i = w; i < Objects; i += Writers)
            {
                await SendAsync(http, HttpMethod.Patch, $"/api/v1/namespaces/cap/configmaps/cm-{i:D5}", """{"data":{"k":"changed"}}""", deadline.Token, "application/merge-patch+json");
            }
        })));
        writes.Stop();
        var seen = await Task.WhenAll(watching);
        delivery.Stop();

        var pages = 0;
        var listedNames = new HashSet<string>(StringComparer.Ordinal);
        string? next = null;
        do
        {
            var query = next is null ? "limit=500" : $"limit=500&continue={Uri.EscapeDataString(next)}";
            var (_, page) = await SendAsync(http, HttpMethod.Get, $"/api/v1/namespaces/cap/configmaps?{query}", null, deadline.Token);
            var root = JsonDocument.Parse(page).RootElement;
            foreach (var item in root.GetProperty("items").EnumerateArray())
            {
                listedNames.Add(item.GetProperty("metadata").GetProperty("name").GetString()!);
            }

            next = root.GetProperty("metadata").TryGetProperty("continue", out var c) ? c.GetString() : null;
            pages++;
        }
        while (next is not null);
        var (_, batch) = await SendAsync(http, HttpMethod.Get, "/api/v1/namespaces/cap/configmaps?labelSelector=batch%3D3", null, deadline.Token);

        var writeRate = 2 * Objects / writes.Elapsed.TotalSeconds;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sandbox API capacity: {2 * Objects} writes (creates + merge patches, {Writers} concurrent writers) in {writes.Elapsed.TotalSeconds:F2}s = {writeRate:F0} writes/s; " +
            $"{Watchers} watchers received {Watchers * 2L * Objects} events, all delivered {delivery.Elapsed.TotalSeconds:F2}s after the first write = {Watchers * 2L * Objects / delivery.Elapsed.TotalSeconds:F0} events/s; server stats: reads={server.Stats.Reads} writes={server.Stats.Writes} lists={server.Stats.Lists} watches={server.Stats.Watches} total={server.RequestCount}"));
        Assert.All(seen, events =>
        {
            Assert.Equal(2 * Objects, events.Count);
            Assert.Equal(Objects, events.Count(e => e.Type == "ADDED"));
            Assert.Equal(Objects, events.Count(e => e.Type == "MODIFIED"));
            Assert.Equal(Objects, events.Select(e => e.Name).Distinct().Count());
            Assert.True(events.Zip(events.Skip(1)).All(p => p.First.Rv < p.Second.Rv), "resourceVersions of a watch must increase");
        });
        Assert.Equal(Objects, listedNames.Count);
        Assert.Equal(Objects / 500, pages);
        Assert.Equal(Objects / 10, JsonDocument.Parse(batch).RootElement.GetProperty("items").GetArrayLength());
    }

    private static async Task<List<(string Type, string Name, long Rv)>> ReadEventsAsync(Stream stream, int expected, CancellationToken ct)
    {
        var events = new List<(string Type, string Name, long Rv)>(expected);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (events.Count < expected && await reader.ReadLineAsync(ct) is { } line)
        {
            using var doc = JsonDocument.Parse(line);
            var type = doc.RootElement.GetProperty("type").GetString()!;
            if (type == "BOOKMARK")
            {
                continue;
            }

            var metadata = doc.RootElement.GetProperty("object").GetProperty("metadata");
            events.Add((type, metadata.GetProperty("name").GetString()!, long.Parse(metadata.GetProperty("resourceVersion").GetString()!, CultureInfo.InvariantCulture)));
        }

        return events;
    }

    private static async Task<(int Code, string Body)> SendAsync(HttpClient http, HttpMethod method, string path, string? body, CancellationToken ct, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path} answered {(int)response.StatusCode}: {text}");
        return ((int)response.StatusCode, text);
    }
}
