using k8s;
using k8s.Models;

namespace ServiceTokenOperator.IntegrationTests.Sandbox.Kubernetes;

/// <summary>
/// How KubernetesClient 21 reads metadata only: the WithHttpMessages methods take customHeaders, and an Accept given
/// there is the only Accept the request carries (the client sets none by default).
/// </summary>
public sealed class KubernetesClientMetadataTests
{
    private const string Meta = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
    private const string MetaList = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

    [Fact]
    public async Task ListClusterCustomObject_WithAcceptCustomHeader_ReturnsPartialObjectMetadataList()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await world.CreateWidgetCrdAsync();
        await world.CreateWidgetAsync(KubeTestWorld.Widget("w1", 3));
        var recorder = new AcceptRecorder();
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = world.Server.BaseUri.ToString(), AccessToken = world.Server.AdminToken }, recorder);

        await client.CustomObjects.ListClusterCustomObjectAsync("example.dev", "v1", "widgets");
        using var listed = await client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<TestPartialObjectMetadataList>(
            "example.dev", "v1", "widgets", customHeaders: new Dictionary<string, IReadOnlyList<string>> { ["Accept"] = [MetaList, "application/json"] });

        Assert.Equal([], recorder.Sent[0]);
        Assert.Equal([MetaList, "application/json"], recorder.Sent[1]);
        Assert.Equal("PartialObjectMetadataList", listed.Body.Kind);
        var item = Assert.Single(listed.Body.Items);
        Assert.Equal(("PartialObjectMetadata", "w1"), (item.Kind, item.Metadata.Name));
        Assert.False(string.IsNullOrEmpty(listed.Body.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task ListAndWatchSecrets_WithAcceptCustomHeader_SeeMetadataOnly()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await world.Client.CoreV1.CreateNamespacedSecretAsync(Secret("s0"), "default");
        var recorder = new AcceptRecorder();
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = world.Server.BaseUri.ToString(), AccessToken = world.Server.AdminToken }, recorder);

        using var listed = await client.CoreV1.ListSecretForAllNamespacesWithHttpMessagesAsync(
            labelSelector: "!servicetoken.dev/managed-by", customHeaders: new Dictionary<string, IReadOnlyList<string>> { ["Accept"] = [MetaList] });
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<(WatchEventType, string, string)>();
        var watching = Task.Run(async () =>
        {
            var response = client.CoreV1.ListNamespacedSecretWithHttpMessagesAsync(
                "default", allowWatchBookmarks: true, labelSelector: "!servicetoken.dev/managed-by", resourceVersion: listed.Body.Metadata.ResourceVersion, watch: true,
                customHeaders: new Dictionary<string, IReadOnlyList<string>> { ["Accept"] = [Meta] }, cancellationToken: stop.Token);
            // The generated WatchList*Async methods take no customHeaders; this (obsolete-marked) extension over the
            // WithHttpMessages call is the one watch entry point that carries the Accept header.
#pragma warning disable CS0618
            var events = response.WatchAsync<TestPartialObjectMetadata, V1SecretList>(cancellationToken: stop.Token);
#pragma warning restore CS0618
            await foreach (var (type, item) in events)
            {
                seen.Add((type, item.Kind, item.Metadata.ResourceVersion));
                if (type == WatchEventType.Added)
                {
                    return;
                }
            }
        });

        await world.Client.CoreV1.CreateNamespacedSecretAsync(Secret("s1"), "default");
        await watching;

        var secret = Assert.Single(listed.Body.Items);
        Assert.Equal("s0", secret.Metadata.Name);
        Assert.Null(secret.Data);
        Assert.Equal([MetaList], recorder.Sent[0]);
        Assert.Equal([Meta], recorder.Sent[1]);
        Assert.All(seen, e => Assert.Equal("PartialObjectMetadata", e.Item2));
        Assert.Equal(WatchEventType.Added, seen[^1].Item1);
    }

    private static V1Secret Secret(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Data = new Dictionary<string, byte[]> { ["token"] = [1, 2, 3] },
    };
}
