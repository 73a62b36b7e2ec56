using System.Diagnostics;
using k8s;
using k8s.Models;
using ServiceTokenOperator.Sandbox.Kubernetes;

namespace ServiceTokenOperator.IntegrationTests.Sandbox.Kubernetes;

public sealed class KubeApiServerWatchTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task Watch_FromResourceVersion_ReplaysLaterEventsThenStreams()
    {
        await using var world = await KubeTestWorld.StartAsync();
        var first = await Create(world, "a");
        await Create(world, "b");
        await world.Client.CoreV1.DeleteNamespacedConfigMapAsync("a", "default");

        await using var watch = await WatchStream.OpenAsync(world, $"{ConfigMaps}?watch=true&resourceVersion={first.Metadata.ResourceVersion}");
        var replayedAdd = await watch.NextAsync();
        var replayedDelete = await watch.NextAsync();
        await Create(world, "c");
        var live = await watch.NextAsync();

        Assert.Equal(("ADDED", "b"), Describe(replayedAdd));
        Assert.Equal(("DELETED", "a"), Describe(replayedDelete));
        Assert.Equal(("ADDED", "c"), Describe(live));
        Assert.Equal("ConfigMap", live!["object"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Watch_WithoutResourceVersion_StartsWithCurrentState()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await Create(world, "a");

        await using var watch = await WatchStream.OpenAsync(world, $"{ConfigMaps}?watch=true");

        Assert.Equal(("ADDED", "a"), Describe(await watch.NextAsync()));
    }

    [Fact]
    public async Task Watch_AfterCompact_AnswersOneExpiredErrorThenCloses()
    {
        await using var world = await KubeTestWorld.StartAsync();
        var old = await Create(world, "a");
        await Create(world, "b");
        world.Server.Faults.Compact();

        await using var watch = await WatchStream.OpenAsync(world, $"{ConfigMaps}?watch=true&resourceVersion={old.Metadata.ResourceVersion}");
        var error = await watch.NextAsync();
        var end = await watch.NextAsync();

        Assert.Equal("ERROR", error!["type"]!.GetValue<string>());
        Assert.Equal(410, error["object"]!["code"]!.GetValue<int>());
        Assert.Equal("Expired", error["object"]!["reason"]!.GetValue<string>());
        Assert.Null(end);
    }

    [Fact]
    public async Task Watch_OlderThanWatchCacheSize_Answers410()
    {
        await using var world = await KubeTestWorld.StartAsync(new KubeApiOptions { WatchCacheSize = 3 });
        var old = await Create(world, "a");
        for (var i = 0; i < 5; i++)
        {
            await Create(world, $"n{i}");
        }

        await using var watch = await WatchStream.OpenAsync(world, $"{ConfigMaps}?watch=true&resourceVersion={old.Metadata.ResourceVersion}");

        Assert.Equal(410, (await watch.NextAsync())!["object"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Watch_AllowBookmarks_SendsBookmarkWithCurrentResourceVersion()
    {
        await using var world = await KubeTestWorld.StartAsync();
        var created = await Create(world, "a");

        // A quiet watch's bookmark comes 2 s before its end (or a minute after it opened).
        await using var watch = await WatchStream.OpenAsync(world, $"{ConfigMaps}?watch=true&allowWatchBookmarks=true&timeoutSeconds=3&resourceVersion={created.Metadata.ResourceVersion}");
        var bookmark = await watch.NextAsync(seconds: 5);

        Assert.Equal("BOOKMARK", bookmark!["type"]!.GetValue<string>());
        Assert.True(long.Parse(bookmark["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>()) >= long.Parse(created.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task Watch_AllowBookmarks_QuietUntilTwoSecondsBeforeTheEndThenOneBookmarkAndTheEnd()
    {
        await using var world = await KubeTestWorld.StartAsync();
        var created = await Create(world, "a");

        // As the apiserver's watch cache: bookmarks a minute apart and one 2 s before the deadline, not a steady
        // stream that every informer would have to decode.
        // A lower bound only: the first bookmark is due 4 s after the watch opened, the old steady one came after 1 s.
        var opened = Stopwatch.StartNew();
        await using var watch = await WatchStream.OpenAsync(world, $"{ConfigMaps}?watch=true&allowWatchBookmarks=true&timeoutSeconds=6&resourceVersion={created.Metadata.ResourceVersion}");
        var bookmark = await watch.NextAsync(seconds: 10);
        var firstAfter = opened.Elapsed;
        var end = await watch.NextAsync(seconds: 10);

        Assert.Equal("BOOKMARK", bookmark!["type"]!.GetValue<string>());
        Assert.True(firstAfter >= TimeSpan.FromSeconds(3), $"first event after {firstAfter}");
        Assert.Null(end);
    }

    [Fact]
    public async Task Watch_SendInitialEvents_EndsInitialStateWithAnnotatedBookmark()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await Create(world, "a");

        await using var watch = await WatchStream.OpenAsync(world, $"{ConfigMaps}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true");
        var added = await watch.NextAsync();
        var end = await watch.NextAsync();

        Assert.Equal(("ADDED", "a"), Describe(added));
        Assert.Equal("true", end!["object"]!["metadata"]!["annotations"]!["k8s.io/initial-events-end"]!.GetValue<string>());
    }

    [Fact]
    public async Task Watch_LabelSelector_ObjectLeavingSelectionIsDeleted()
    {
        await using var world = await KubeTestWorld.StartAsync();
        var rv = (await world.Client.CoreV1.ListNamespacedConfigMapAsync("default")).Metadata.ResourceVersion;
        await using var watch = await WatchStream.OpenAsync(world, $"{ConfigMaps}?watch=true&labelSelector=app%3Dx&resourceVersion={rv}");

        await world.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "other" } }, "default");
        await world.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "m", Labels = new Dictionary<string, string> { ["app"] = "x" } } }, "default");
        await world.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"labels":{"app":"y"}}}""", V1Patch.PatchType.MergePatch), "m", "default");

        Assert.Equal(("ADDED", "m"), Describe(await watch.NextAsync()));
        Assert.Equal(("DELETED", "m"), Describe(await watch.NextAsync()));
    }

    [Fact]
    public async Task Watch_TimeoutSecondsAndCloseWatches_EndTheStream()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await using var timed = await WatchStream.OpenAsync(world, $"{ConfigMaps}?watch=true&timeoutSeconds=1&resourceVersion=1");
        await using var closed = await WatchStream.OpenAsync(world, $"{ConfigMaps}?watch=true&resourceVersion=1");

        world.Server.Faults.CloseWatches();

        Assert.Null(await closed.NextAsync(seconds: 5));
        Assert.Null(await timed.NextAsync(seconds: 5));
    }

    [Fact]
    public async Task Watch_FiftyConcurrentWatchers_AllSeeTheChange()
    {
        await using var world = await KubeTestWorld.StartAsync();
        var rv = (await world.Client.CoreV1.ListNamespacedConfigMapAsync("default")).Metadata.ResourceVersion;
        var watches = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => WatchStream.OpenAsync(world, $"{ConfigMaps}?watch=true&resourceVersion={rv}")));
        try
        {
            await Create(world, "shared");

            var events = await Task.WhenAll(watches.Select(w => w.NextAsync()));

            Assert.All(events, e => Assert.Equal(("ADDED", "shared"), Describe(e)));
        }
        finally
        {
            foreach (var watch in watches)
            {
                await watch.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task KubernetesClientWatch_ReceivesTypedEvents()
    {
        await using var world = await KubeTestWorld.StartAsync();
        var rv = (await world.Client.CoreV1.ListNamespacedSecretAsync("default")).Metadata.ResourceVersion;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<(WatchEventType, string)>();
        var watching = Task.Run(async () =>
        {
            var events = world.Client.CoreV1.WatchListNamespacedSecretAsync("default", allowWatchBookmarks: true, resourceVersion: rv, cancellationToken: stop.Token);
            await foreach (var (type, secret) in events)
            {
                if (type == WatchEventType.Bookmark)
                {
                    continue;
                }

                seen.Add((type, secret.Metadata.Name));
                if (seen.Count == 3)
                {
                    return;
                }
            }
        });

        await world.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s" } }, "default");
        await world.Client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"metadata":{"labels":{"a":"b"}}}""", V1Patch.PatchType.MergePatch), "s", "default");
        await world.Client.CoreV1.DeleteNamespacedSecretAsync("s", "default");
        await watching;

        Assert.Equal([(WatchEventType.Added, "s"), (WatchEventType.Modified, "s"), (WatchEventType.Deleted, "s")], seen);
    }

    private static Task<V1ConfigMap> Create(KubeTestWorld world, string name) =>
        world.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name } }, "default");

    private static (string?, string?) Describe(System.Text.Json.Nodes.JsonObject? e) =>
        (e?["type"]?.GetValue<string>(), e?["object"]?["metadata"]?["name"]?.GetValue<string>());
}
