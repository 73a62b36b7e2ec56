using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ServiceTokenOperator.IntegrationTests.Sandbox.Kubernetes;

public sealed class KubeApiServerCoreTests
{
    [Fact]
    public async Task Start_SeedsNamespaces_WithStableKubeSystemUid()
    {
        await using var world = await KubeTestWorld.StartAsync();

        var names = (await world.Client.CoreV1.ListNamespaceAsync()).Items.Select(n => n.Metadata.Name).ToList();
        var first = await world.Client.CoreV1.ReadNamespaceAsync("kube-system");
        var second = await world.Client.CoreV1.ReadNamespaceAsync("kube-system");

        Assert.Equal(["default", "kube-public", "kube-system", "servicetoken-system"], names.Order());
        Assert.False(string.IsNullOrEmpty(first.Metadata.Uid));
        Assert.Equal(first.Metadata.Uid, second.Metadata.Uid);
        Assert.Equal("Active", first.Status.Phase);
    }

    [Fact]
    public async Task CreateSecret_StringData_MergedIntoDataWithMetadata()
    {
        await using var world = await KubeTestWorld.StartAsync();

        var created = await world.Client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = "s1" }, Data = new Dictionary<string, byte[]> { ["a"] = "1"u8.ToArray() }, StringData = new Dictionary<string, string> { ["b"] = "two" } },
            "default");

        Assert.Equal("two", Encoding.UTF8.GetString(created.Data["b"]));
        Assert.Equal("1", Encoding.UTF8.GetString(created.Data["a"]));
        Assert.Null(created.StringData);
        Assert.Equal("Opaque", created.Type);
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.NotNull(created.Metadata.CreationTimestamp);
        Assert.True(long.Parse(created.Metadata.ResourceVersion) > 0);
    }

    [Fact]
    public async Task Update_StaleResourceVersion_Returns409Conflict()
    {
        await using var world = await KubeTestWorld.StartAsync();
        var cm = await world.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" }, Data = new Dictionary<string, string> { ["k"] = "1" } }, "default");
        var stale = cm.Metadata.ResourceVersion;
        cm.Data["k"] = "2";
        var updated = await world.Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "c", "default");

        cm.Metadata.ResourceVersion = stale;
        cm.Data["k"] = "3";
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => world.Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "c", "default"));

        Assert.NotEqual(stale, updated.Metadata.ResourceVersion);
        Assert.Equal(409, (int)error.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
        Assert.Equal("Conflict", status.Reason);
        Assert.Contains("the object has been modified", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_Errors_AreStatusesWithRealCodes()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await world.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" } }, "default");

        var duplicate = await Assert.ThrowsAsync<HttpOperationException>(() =>
            world.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" } }, "default"));
        var noNamespace = await Assert.ThrowsAsync<HttpOperationException>(() =>
            world.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" } }, "missing"));
        var (badBase64, body, _) = await world.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/secrets", """{"metadata":{"name":"s"},"data":{"a":"!!!"}}""");
        var (missing, notFound, _) = await world.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/secrets/nope");

        Assert.Equal(409, (int)duplicate.Response.StatusCode);
        Assert.Equal("AlreadyExists", KubernetesJson.Deserialize<V1Status>(duplicate.Response.Content).Reason);
        Assert.Equal(404, (int)noNamespace.Response.StatusCode);
        Assert.Equal("namespaces \"missing\" not found", KubernetesJson.Deserialize<V1Status>(noNamespace.Response.Content).Message);
        Assert.Equal(400, badBase64);
        Assert.Equal("BadRequest", body["reason"]!.GetValue<string>());
        Assert.Equal(404, missing);
        Assert.Equal("secrets \"nope\" not found", notFound["message"]!.GetValue<string>());
        Assert.Equal("Status", notFound["kind"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/v1/namespaces", """{"metadata":{"name":"has.dot"}}""", "metadata.name")]
    [InlineData("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"Upper"}}""", "metadata.name")]
    [InlineData("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"c","labels":{"a":"not valid!"}}}""", "metadata.labels")]
    [InlineData("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"c","labels":{"bad key":"v"}}}""", "metadata.labels")]
    [InlineData("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"c","ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"o"}]}}""", "metadata.ownerReferences.uid")]
    public async Task Create_InvalidMetadata_Returns422WithField(string path, string body, string field)
    {
        await using var world = await KubeTestWorld.StartAsync();

        var (code, status, _) = await world.SendAsync(HttpMethod.Post, path, body);

        Assert.Equal(422, code);
        Assert.Equal(field, status["details"]!["causes"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_ImmutableSecretData_Returns422()
    {
        await using var world = await KubeTestWorld.StartAsync();
        var secret = await world.Client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = "s" }, Immutable = true, StringData = new Dictionary<string, string> { ["a"] = "1" } }, "default");

        secret.Data["a"] = "2"u8.ToArray();
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => world.Client.CoreV1.ReplaceNamespacedSecretAsync(secret, "s", "default"));

        Assert.Equal(422, (int)error.Response.StatusCode);
    }

    [Fact]
    public async Task Delete_WithFinalizer_MarksUntilFinalizersRemoved()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await world.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c", Finalizers = ["example.dev/hold"] } }, "default");

        await world.Client.CoreV1.DeleteNamespacedConfigMapAsync("c", "default");
        var marked = await world.Client.CoreV1.ReadNamespacedConfigMapAsync("c", "default");
        marked.Metadata.Finalizers = [];
        await world.Client.CoreV1.ReplaceNamespacedConfigMapAsync(marked, "c", "default");
        var gone = await Assert.ThrowsAsync<HttpOperationException>(() => world.Client.CoreV1.ReadNamespacedConfigMapAsync("c", "default"));

        Assert.NotNull(marked.Metadata.DeletionTimestamp);
        Assert.Equal(404, (int)gone.Response.StatusCode);
    }

    [Fact]
    public async Task DeleteNamespace_DeletesItsContents()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await world.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team" } });
        await world.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s" } }, "team");

        await world.Client.CoreV1.DeleteNamespaceAsync("team");

        Assert.Empty((await world.Client.CoreV1.ListNamespacedSecretAsync("team")).Items);
        Assert.DoesNotContain("team", (await world.Client.CoreV1.ListNamespaceAsync()).Items.Select(n => n.Metadata.Name));
    }

    [Theory]
    [InlineData("tier=gold", "a")]
    [InlineData("tier==gold", "a")]
    [InlineData("tier!=gold", "b,c")]
    [InlineData("tier in (gold,silver)", "a,b")]
    [InlineData("tier notin (gold)", "b,c")]
    [InlineData("tier", "a,b")]
    [InlineData("!tier", "c")]
    [InlineData("tier,env=prod", "b")]
    public async Task List_LabelSelector_SelectsMatching(string selector, string expected)
    {
        await using var world = await KubeTestWorld.StartAsync();
        await CreateLabeled(world, "a", new() { ["tier"] = "gold" });
        await CreateLabeled(world, "b", new() { ["tier"] = "silver", ["env"] = "prod" });
        await CreateLabeled(world, "c", new() { ["env"] = "dev" });

        var list = await world.Client.CoreV1.ListNamespacedConfigMapAsync("default", labelSelector: selector);

        Assert.Equal(expected, string.Join(',', list.Items.Select(i => i.Metadata.Name)));
    }

    [Fact]
    public async Task List_FieldSelectorAndPagination_PagesThroughAll()
    {
        await using var world = await KubeTestWorld.StartAsync();
        for (var i = 0; i < 7; i++)
        {
            await CreateLabeled(world, $"c{i}", []);
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await world.Client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 3, continueParameter: token);
            seen.AddRange(page.Items.Select(i => i.Metadata.Name));
            token = page.Metadata.ContinueProperty;
            Assert.False(string.IsNullOrEmpty(page.Metadata.ResourceVersion));
            pages++;
        }
        while (!string.IsNullOrEmpty(token));
        var byName = await world.Client.CoreV1.ListConfigMapForAllNamespacesAsync(fieldSelector: "metadata.name=c4,metadata.namespace=default");

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"c{i}"), seen);
        Assert.Equal("c4", Assert.Single(byName.Items).Metadata.Name);
    }

    [Fact]
    public async Task Patch_JsonPatchAndStrategicMerge_Apply()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await CreateLabeled(world, "c", new() { ["a"] = "1" });

        await world.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""[{"op":"add","path":"/data","value":{"x":"y"}},{"op":"replace","path":"/metadata/labels/a","value":"2"}]""", V1Patch.PatchType.JsonPatch), "c", "default");
        await world.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"metadata":{"finalizers":["f1"]},"data":{"z":"w"}}""", V1Patch.PatchType.StrategicMergePatch), "c", "default");
        await world.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"metadata":{"finalizers":["f2"]}}""", V1Patch.PatchType.StrategicMergePatch), "c", "default");
        var patched = await world.Client.CoreV1.ReadNamespacedConfigMapAsync("c", "default");

        Assert.Equal("2", patched.Metadata.Labels["a"]);
        Assert.Equal(new Dictionary<string, string> { ["x"] = "y", ["z"] = "w" }, patched.Data);
        Assert.Equal(["f1", "f2"], patched.Metadata.Finalizers);
    }

    [Fact]
    public async Task ConcurrentWrites_AllLand_WithDistinctIncreasingResourceVersions()
    {
        await using var world = await KubeTestWorld.StartAsync();

        var created = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => CreateLabeled(world, $"c{i}", [])));
        var list = await world.Client.CoreV1.ListNamespacedConfigMapAsync("default");

        Assert.Equal(200, list.Items.Count);
        Assert.Equal(200, created.Select(c => c.Metadata.ResourceVersion).Distinct().Count());
        Assert.True(long.Parse(list.Metadata.ResourceVersion) >= created.Max(c => long.Parse(c.Metadata.ResourceVersion)));
    }

    [Fact]
    public async Task DryRun_WritesNothing()
    {
        await using var world = await KubeTestWorld.StartAsync();

        var answered = await world.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" } }, "default", dryRun: "All");

        Assert.Equal("c", answered.Metadata.Name);
        Assert.Empty((await world.Client.CoreV1.ListNamespacedConfigMapAsync("default")).Items);
    }

    [Fact]
    public async Task Lease_CreateAndUpdate_RoundTrips()
    {
        await using var world = await KubeTestWorld.StartAsync();
        var lease = await world.Client.CoordinationV1.CreateNamespacedLeaseAsync(
            new V1Lease { Metadata = new V1ObjectMeta { Name = "leader" }, Spec = new V1LeaseSpec { HolderIdentity = "a", LeaseDurationSeconds = 15 } }, "servicetoken-system");

        lease.Spec.HolderIdentity = "b";
        var updated = await world.Client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, "leader", "servicetoken-system");

        Assert.Equal("b", updated.Spec.HolderIdentity);
        Assert.Equal(15, updated.Spec.LeaseDurationSeconds);
    }

    [Fact]
    public async Task Events_WrittenThroughEventsV1_ReadThroughCoreV1()
    {
        await using var world = await KubeTestWorld.StartAsync();

        await world.Client.EventsV1.CreateNamespacedEventAsync(
            new Eventsv1Event
            {
                Metadata = new V1ObjectMeta { Name = "e1" },
                Regarding = new V1ObjectReference { Kind = "ConfigMap", Name = "c", NamespaceProperty = "default" },
                Note = "Token issued",
                Reason = "Issued",
                Type = "Normal",
                Action = "Issue",
                ReportingController = "servicetoken.dev/operator",
                ReportingInstance = "operator-0",
                EventTime = new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc),
            },
            "default");
        var core = Assert.Single((await world.Client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.name=c")).Items);
        var v1 = await world.Client.EventsV1.ReadNamespacedEventAsync("e1", "default");

        Assert.Equal("Token issued", core.Message);
        Assert.Equal("c", core.InvolvedObject.Name);
        Assert.Equal("servicetoken.dev/operator", core.ReportingComponent);
        Assert.Equal("Token issued", v1.Note);
        Assert.Equal("ConfigMap", v1.Regarding.Kind);
    }

    [Fact]
    public async Task Faults_FailNext_AnswersStatusWithRetryAfter_ThenRecovers()
    {
        await using var world = await KubeTestWorld.StartAsync();
        world.Server.Faults.FailNext(1, "list", "configmaps", 429);

        var (code, body, response) = await world.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps");
        var (after, _, _) = await world.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps");

        Assert.Equal(429, code);
        Assert.Equal("TooManyRequests", body["reason"]!.GetValue<string>());
        Assert.Equal("1", response.Headers.RetryAfter!.ToString());
        Assert.Equal(200, after);
        Assert.True(world.Server.RequestCount >= 2);
    }

    [Fact]
    public async Task Faults_FailNextOnStatusSubresource_LeavesMainResourceAlone()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await world.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "n" } });
        world.Server.Faults.FailNext(1, "patch", "namespaces/status", 503);
        const string patch = """{"metadata":{"labels":{"a":"b"}}}""";

        var (main, _, _) = await world.SendAsync(HttpMethod.Patch, "/api/v1/namespaces/n", patch, "application/merge-patch+json");
        var (status, body, _) = await world.SendAsync(HttpMethod.Patch, "/api/v1/namespaces/n/status", patch, "application/merge-patch+json");

        Assert.Equal(200, main);
        Assert.Equal(503, status);
        Assert.Equal("ServiceUnavailable", body["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Faults_Latency_DelaysRequests()
    {
        await using var world = await KubeTestWorld.StartAsync();
        world.Server.Faults.Latency = TimeSpan.FromMilliseconds(400);
        var started = System.Diagnostics.Stopwatch.StartNew();

        await world.Client.CoreV1.ListNamespaceAsync();

        // Timers may fire a few milliseconds early; the margin keeps the check about the injected delay.
        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(350), $"answered after {started.Elapsed}");
    }

    [Fact]
    public async Task UnknownToken_Returns401()
    {
        await using var world = await KubeTestWorld.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "wrong");

        using var response = await world.Http.SendAsync(request);

        Assert.Equal(401, (int)response.StatusCode);
    }

    private static Task<V1ConfigMap> CreateLabeled(KubeTestWorld world, string name, Dictionary<string, string> labels) =>
        world.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, Labels = labels } }, "default");
}
