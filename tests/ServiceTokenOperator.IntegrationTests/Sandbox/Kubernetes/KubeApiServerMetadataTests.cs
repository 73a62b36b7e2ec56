using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace ServiceTokenOperator.IntegrationTests.Sandbox.Kubernetes;

/// <summary>Metadata-only reads (<c>as=PartialObjectMetadata[List]</c>) over raw HTTP, as client-go's metadata client sends them.</summary>
public sealed class KubeApiServerMetadataTests
{
    private const string Meta = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
    private const string MetaList = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
    private const string ManagedBy = "servicetoken.dev/managed-by";
    private const string SecretValue = "c3VwZXItc2VjcmV0LXZhbHVl";

    [Theory]
    [InlineData(Meta, "meta.k8s.io/v1")]
    [InlineData("application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1beta1", "meta.k8s.io/v1beta1")]
    [InlineData("application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json", "meta.k8s.io/v1")]
    [InlineData("application/json;as=Foo;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1beta1,application/json", "meta.k8s.io/v1beta1")]
    public async Task Get_SecretAsPartialObjectMetadata_ReturnsFullMetadataWithoutData(string accept, string apiVersion)
    {
        await using var world = await KubeTestWorld.StartAsync();
        var created = await CreateSecretAsync(world, "s1", new Dictionary<string, string> { ["app"] = "x" });

        var (code, body, response) = await world.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/secrets/s1", accept: accept);

        Assert.Equal(200, code);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("PartialObjectMetadata", body["kind"]!.GetValue<string>());
        Assert.Equal(apiVersion, body["apiVersion"]!.GetValue<string>());
        Assert.Equal(["kind", "apiVersion", "metadata"], body.Select(p => p.Key));
        Assert.Equal(created.Metadata.Uid, body["metadata"]!["uid"]!.GetValue<string>());
        Assert.Equal(created.Metadata.ResourceVersion, body["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal("x", body["metadata"]!["labels"]!["app"]!.GetValue<string>());
        Assert.NotNull(body["metadata"]!["creationTimestamp"]);
    }

    [Fact]
    public async Task Get_AcceptFallbackToPlainJson_ReturnsTheSecret()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await CreateSecretAsync(world, "s1");

        var (code, body, _) = await world.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/secrets/s1", accept: "application/json;as=Foo;g=meta.k8s.io;v=v1,application/json");

        Assert.Equal(200, code);
        Assert.Equal("Secret", body["kind"]!.GetValue<string>());
        Assert.Equal(SecretValue, body["data"]!["token"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/v1/namespaces/default/secrets/s1", "application/json;as=Foo;g=meta.k8s.io;v=v1", "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf")]
    [InlineData("/api/v1/namespaces/default/secrets", "application/json;as=PartialObjectMetadata", "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf")]
    [InlineData("/api/v1/namespaces/default/secrets", "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v2", "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf")]
    [InlineData("/api/v1/namespaces/default/secrets", "text/html", "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf")]
    [InlineData("/api/v1/namespaces/default/secrets/s1", MetaList, "you requested PartialObjectMetadataList, but the requested object is not a list (*core.Secret)")]
    [InlineData("/api/v1/namespaces/default/secrets", Meta, "you requested PartialObjectMetadata, but the requested object is a list (*core.SecretList)")]
    [InlineData("/api/v1/namespaces/default/secrets?watch=true", "application/json;as=Foo;g=meta.k8s.io;v=v1", "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf")]
    public async Task Read_UnacceptableRepresentation_Answers406NotAcceptable(string path, string accept, string message)
    {
        await using var world = await KubeTestWorld.StartAsync();
        await CreateSecretAsync(world, "s1");

        var (code, status, _) = await world.SendAsync(HttpMethod.Get, path, accept: accept);

        Assert.Equal(406, code);
        Assert.Equal("Status", status["kind"]!.GetValue<string>());
        Assert.Equal("NotAcceptable", status["reason"]!.GetValue<string>());
        Assert.Equal(406, status["code"]!.GetValue<int>());
        Assert.Equal(message, status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_SecretsAsPartialObjectMetadataList_PagesUnmanagedSecretsWithoutData()
    {
        await using var world = await KubeTestWorld.StartAsync();
        foreach (var name in new[] { "a", "b", "c" })
        {
            await CreateSecretAsync(world, name);
        }

        await CreateSecretAsync(world, "managed", new Dictionary<string, string> { [ManagedBy] = "servicetoken-operator" });
        var selector = Uri.EscapeDataString($"!{ManagedBy}");

        var (firstCode, first, _) = await world.SendAsync(HttpMethod.Get, $"/api/v1/secrets?labelSelector={selector}&limit=2", accept: MetaList);
        var token = Uri.EscapeDataString(first["metadata"]!["continue"]!.GetValue<string>());
        var (secondCode, second, _) = await world.SendAsync(HttpMethod.Get, $"/api/v1/secrets?labelSelector={selector}&limit=2&continue={token}", accept: MetaList);

        Assert.Equal((200, 200), (firstCode, secondCode));
        Assert.Equal(("PartialObjectMetadataList", "meta.k8s.io/v1"), (first["kind"]!.GetValue<string>(), first["apiVersion"]!.GetValue<string>()));
        Assert.Equal(1, first["metadata"]!["remainingItemCount"]!.GetValue<int>());
        Assert.True(long.Parse(first["metadata"]!["resourceVersion"]!.GetValue<string>()) > 0);
        Assert.Equal(["a", "b"], Names(first));
        Assert.Equal(["c"], Names(second));
        Assert.Null(second["metadata"]!["continue"]);
        Assert.All(first["items"]!.AsArray().Concat(second["items"]!.AsArray()), item =>
        {
            Assert.Equal(("PartialObjectMetadata", "meta.k8s.io/v1"), (item!["kind"]!.GetValue<string>(), item["apiVersion"]!.GetValue<string>()));
            Assert.Equal(["kind", "apiVersion", "metadata"], item.AsObject().Select(p => p.Key));
        });
    }

    [Theory]
    [InlineData("!servicetoken.dev/managed-by", new[] { "plain", "tier-a", "tier-c" })]
    [InlineData("servicetoken.dev/managed-by!=servicetoken-operator", new[] { "plain", "tier-a", "tier-c" })]
    [InlineData("tier notin (a,b)", new[] { "managed", "plain", "tier-c" })]
    [InlineData("!servicetoken.dev/managed-by,tier in (a,c)", new[] { "tier-a", "tier-c" })]
    public async Task List_NegativeLabelSelectors_SelectAsTheApiserverDoes(string selector, string[] expected)
    {
        await using var world = await KubeTestWorld.StartAsync();
        await CreateSecretAsync(world, "plain");
        await CreateSecretAsync(world, "managed", new Dictionary<string, string> { [ManagedBy] = "servicetoken-operator" });
        await CreateSecretAsync(world, "tier-a", new Dictionary<string, string> { ["tier"] = "a" });
        await CreateSecretAsync(world, "tier-c", new Dictionary<string, string> { ["tier"] = "c" });

        var (code, list, _) = await world.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/default/secrets?labelSelector={Uri.EscapeDataString(selector)}", accept: MetaList);

        Assert.Equal(200, code);
        Assert.Equal(expected, Names(list));
    }

    [Theory]
    [InlineData("!servicetoken.dev/managed-by", new[] { "plain", "tier-a", "tier-c" })]
    [InlineData("servicetoken.dev/managed-by!=servicetoken-operator", new[] { "plain", "tier-a", "tier-c" })]
    [InlineData("tier notin (a,b)", new[] { "managed", "plain", "tier-c" })]
    [InlineData("!servicetoken.dev/managed-by,tier in (a,c)", new[] { "tier-a", "tier-c" })]
    public async Task Watch_NegativeLabelSelectors_SeeOnlySelectedSecrets(string selector, string[] expected)
    {
        await using var world = await KubeTestWorld.StartAsync();
        var rv = (await world.Client.CoreV1.ListNamespacedSecretAsync("default")).Metadata.ResourceVersion;
        await using var watch = await WatchStream.OpenAsync(world, $"/api/v1/namespaces/default/secrets?watch=true&labelSelector={Uri.EscapeDataString(selector)}&resourceVersion={rv}", Meta);

        await CreateSecretAsync(world, "plain");
        await CreateSecretAsync(world, "managed", new Dictionary<string, string> { [ManagedBy] = "servicetoken-operator" });
        await CreateSecretAsync(world, "tier-a", new Dictionary<string, string> { ["tier"] = "a" });
        await CreateSecretAsync(world, "tier-c", new Dictionary<string, string> { ["tier"] = "c" });

        // Every selector selects this last one, so the stream has shown all it will once it arrives.
        await CreateSecretAsync(world, "zz-last", new Dictionary<string, string> { ["tier"] = "c" });
        var seen = new List<string>();
        while ((await watch.NextChangeAsync())?["object"]?["metadata"]?["name"]?.GetValue<string>() is { } name && name != "zz-last")
        {
            seen.Add(name);
        }

        Assert.Equal(expected, seen.Order());
    }

    [Fact]
    public async Task Watch_AsPartialObjectMetadataList_EndsAtTheFirstEvent()
    {
        await using var world = await KubeTestWorld.StartAsync();
        var rv = (await world.Client.CoreV1.ListNamespacedSecretAsync("default")).Metadata.ResourceVersion;
        await using var watch = await WatchStream.OpenAsync(world, $"/api/v1/namespaces/default/secrets?watch=true&resourceVersion={rv}", MetaList);

        await CreateSecretAsync(world, "s1");

        Assert.Null(await watch.NextAsync());
    }

    [Fact]
    public async Task List_FieldSelectorAndExactResourceVersion_HonouredForMetadata()
    {
        await using var world = await KubeTestWorld.StartAsync();
        var before = await CreateSecretAsync(world, "a");
        await CreateSecretAsync(world, "b");
        await world.Client.CoreV1.DeleteNamespacedSecretAsync("a", "default");

        var (byName, named, _) = await world.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/secrets?fieldSelector=metadata.name%3Db", accept: MetaList);
        var (atRv, past, _) = await world.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/default/secrets?resourceVersion={before.Metadata.ResourceVersion}&resourceVersionMatch=Exact", accept: MetaList);

        Assert.Equal((200, 200), (byName, atRv));
        Assert.Equal(["b"], Names(named));
        Assert.Equal(["a"], Names(past));
        Assert.Equal(before.Metadata.ResourceVersion, past["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal("PartialObjectMetadata", past["items"]![0]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_V1beta1MetadataList_HasNoRemainingItemCount()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await CreateSecretAsync(world, "a");
        await CreateSecretAsync(world, "b");

        var (code, list, _) = await world.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/secrets?limit=1", accept: "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1beta1");

        Assert.Equal(200, code);
        Assert.Equal("meta.k8s.io/v1beta1", list["apiVersion"]!.GetValue<string>());
        Assert.Equal("meta.k8s.io/v1beta1", list["items"]![0]!["apiVersion"]!.GetValue<string>());
        Assert.NotNull(list["metadata"]!["continue"]);
        Assert.Null(list["metadata"]!["remainingItemCount"]);
    }

    [Fact]
    public async Task Watch_SecretsAsPartialObjectMetadata_StreamsChangesWithoutData()
    {
        await using var world = await KubeTestWorld.StartAsync();
        var rv = (await world.Client.CoreV1.ListNamespacedSecretAsync("default")).Metadata.ResourceVersion;
        var selector = Uri.EscapeDataString($"!{ManagedBy}");
        await using var watch = await WatchStream.OpenAsync(world, $"/api/v1/namespaces/default/secrets?watch=1&labelSelector={selector}&resourceVersion={rv}", Meta);

        await CreateSecretAsync(world, "managed", new Dictionary<string, string> { [ManagedBy] = "servicetoken-operator" });
        await CreateSecretAsync(world, "s1");
        await world.Client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"metadata":{"annotations":{"a":"b"}}}""", V1Patch.PatchType.MergePatch), "s1", "default");
        await world.Client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"metadata":{"labels":{"servicetoken.dev/managed-by":"servicetoken-operator"}}}""", V1Patch.PatchType.MergePatch), "s1", "default");
        var events = new List<JsonObject>();
        for (var i = 0; i < 3; i++)
        {
            events.Add((await watch.NextChangeAsync())!);
        }

        Assert.Equal(["ADDED", "MODIFIED", "DELETED"], events.Select(e => e["type"]!.GetValue<string>()));
        Assert.All(events, e =>
        {
            Assert.Equal("s1", e["object"]!["metadata"]!["name"]!.GetValue<string>());
            Assert.Equal(("PartialObjectMetadata", "meta.k8s.io/v1"), (e["object"]!["kind"]!.GetValue<string>(), e["object"]!["apiVersion"]!.GetValue<string>()));
            Assert.Equal(["kind", "apiVersion", "metadata"], e["object"]!.AsObject().Select(p => p.Key));
        });
        Assert.Equal("b", events[1]["object"]!["metadata"]!["annotations"]!["a"]!.GetValue<string>());
    }

    [Fact]
    public async Task Watch_MetadataWatchOfDeletedSecret_NeverCarriesItsData()
    {
        await using var world = await KubeTestWorld.StartAsync();
        var rv = (await world.Client.CoreV1.ListNamespacedSecretAsync("default")).Metadata.ResourceVersion;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/watch/namespaces/default/secrets?resourceVersion={rv}&timeoutSeconds=2");
        request.Headers.TryAddWithoutValidation("Accept", Meta);

        await CreateSecretAsync(world, "s1");
        await world.Client.CoreV1.DeleteNamespacedSecretAsync("s1", "default");
        var response = await world.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(2, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("\"PartialObjectMetadata\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretValue, text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"data\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_MetadataBookmarks_ArePartialObjectMetadataWithOnlyResourceVersion()
    {
        await using var world = await KubeTestWorld.StartAsync();
        var created = await CreateSecretAsync(world, "s1");

        await using var initial = await WatchStream.OpenAsync(world, "/api/v1/namespaces/default/secrets?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true", Meta);
        var added = await initial.NextAsync();
        var end = await initial.NextAsync();
        await using var live = await WatchStream.OpenAsync(world, $"/api/v1/namespaces/default/secrets?watch=true&allowWatchBookmarks=true&timeoutSeconds=3&resourceVersion={created.Metadata.ResourceVersion}", Meta);
        var bookmark = await live.NextAsync(seconds: 5);

        Assert.Equal(("ADDED", "PartialObjectMetadata"), (added!["type"]!.GetValue<string>(), added["object"]!["kind"]!.GetValue<string>()));
        Assert.Equal("BOOKMARK", end!["type"]!.GetValue<string>());
        Assert.Equal("true", end["object"]!["metadata"]!["annotations"]!["k8s.io/initial-events-end"]!.GetValue<string>());
        Assert.Equal("BOOKMARK", bookmark!["type"]!.GetValue<string>());
        Assert.Equal(("PartialObjectMetadata", "meta.k8s.io/v1"), (bookmark["object"]!["kind"]!.GetValue<string>(), bookmark["object"]!["apiVersion"]!.GetValue<string>()));
        Assert.Equal(["resourceVersion"], bookmark["object"]!["metadata"]!.AsObject().Select(p => p.Key));
        Assert.True(long.Parse(bookmark["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>()) >= long.Parse(created.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task Watch_MetadataFromCompactedResourceVersion_ErrorCarriesExpiredStatus()
    {
        await using var world = await KubeTestWorld.StartAsync();
        var old = await CreateSecretAsync(world, "a");
        await CreateSecretAsync(world, "b");
        world.Server.Faults.Compact();

        await using var watch = await WatchStream.OpenAsync(world, $"/api/v1/namespaces/default/secrets?watch=true&resourceVersion={old.Metadata.ResourceVersion}", Meta);
        var error = await watch.NextAsync();

        Assert.Equal("ERROR", error!["type"]!.GetValue<string>());
        Assert.Equal(("Status", 410, "Expired"), (error["object"]!["kind"]!.GetValue<string>(), error["object"]!["code"]!.GetValue<int>(), error["object"]!["reason"]!.GetValue<string>()));
    }

    [Fact]
    public async Task CustomResource_GetListWatchAsMetadata_CarryNoSpecOrStatus()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await world.CreateWidgetCrdAsync();
        var rv = (await world.CreateWidgetAsync(KubeTestWorld.Widget("w1", 3)))["metadata"]!["resourceVersion"]!.GetValue<string>();
        await using var watch = await WatchStream.OpenAsync(world, $"/apis/example.dev/v1/namespaces/default/widgets?watch=true&resourceVersion={rv}", Meta);

        var (getCode, one, _) = await world.SendAsync(HttpMethod.Get, "/apis/example.dev/v1/namespaces/default/widgets/w1", accept: Meta);
        var (listCode, all, _) = await world.SendAsync(HttpMethod.Get, "/apis/example.dev/v1/widgets", accept: MetaList);
        await world.CreateWidgetAsync(KubeTestWorld.Widget("w2", 4));
        var added = await watch.NextChangeAsync();

        Assert.Equal((200, 200), (getCode, listCode));
        Assert.Equal(["kind", "apiVersion", "metadata"], one.Select(p => p.Key));
        Assert.Equal("w1", one["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(1, one["metadata"]!["generation"]!.GetValue<int>());
        Assert.Equal("PartialObjectMetadataList", all["kind"]!.GetValue<string>());
        Assert.Equal(["w1"], Names(all));
        Assert.Equal(["kind", "apiVersion", "metadata"], all["items"]![0]!.AsObject().Select(p => p.Key));
        Assert.Equal(("ADDED", "w2"), (added!["type"]!.GetValue<string>(), added["object"]!["metadata"]!["name"]!.GetValue<string>()));
        Assert.Equal(["kind", "apiVersion", "metadata"], added["object"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task CustomResource_ProtobufWithoutConversion_IsNotAcceptable()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await world.CreateWidgetCrdAsync();

        var (protobufOnly, _, _) = await world.SendAsync(HttpMethod.Get, "/apis/example.dev/v1/widgets", accept: "application/vnd.kubernetes.protobuf");
        var (protobufMetadata, list, _) = await world.SendAsync(HttpMethod.Get, "/apis/example.dev/v1/widgets", accept: "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1");

        Assert.Equal(406, protobufOnly);
        Assert.Equal(200, protobufMetadata);
        Assert.Equal("PartialObjectMetadataList", list["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Writes_WithMetadataAccept_AnswerPartialObjectMetadata()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await world.CreateWidgetCrdAsync();
        var secret = """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s1","finalizers":["example.dev/hold"]},"data":{"token":"c3VwZXItc2VjcmV0LXZhbHVl"}}""";

        var (createCode, created, _) = await world.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/secrets", secret, accept: Meta);
        var (patchCode, patched, _) = await world.SendAsync(HttpMethod.Patch, "/api/v1/namespaces/default/secrets/s1", """{"metadata":{"finalizers":null}}""", "application/merge-patch+json", Meta);
        await world.CreateWidgetAsync(KubeTestWorld.Widget("w1", 3));
        var (deleteCode, deleted, _) = await world.SendAsync(HttpMethod.Delete, "/apis/example.dev/v1/namespaces/default/widgets/w1", accept: Meta);
        var (collectionCode, collection, _) = await world.SendAsync(HttpMethod.Delete, "/api/v1/namespaces/default/secrets", accept: MetaList);

        Assert.Equal((201, 200, 200, 200), (createCode, patchCode, deleteCode, collectionCode));
        Assert.Equal(("PartialObjectMetadata", "example.dev/hold"), (created["kind"]!.GetValue<string>(), created["metadata"]!["finalizers"]![0]!.GetValue<string>()));
        Assert.Equal(["kind", "apiVersion", "metadata"], patched.Select(p => p.Key));
        Assert.Null(patched["metadata"]!["finalizers"]);
        Assert.Equal(("PartialObjectMetadata", "w1"), (deleted["kind"]!.GetValue<string>(), deleted["metadata"]!["name"]!.GetValue<string>()));
        Assert.Equal("PartialObjectMetadataList", collection["kind"]!.GetValue<string>());
        Assert.Equal(["s1"], Names(collection));
        Assert.Equal(["kind", "apiVersion", "metadata"], collection["items"]![0]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Create_UnacceptableAccept_Answers406BeforeWriting()
    {
        await using var world = await KubeTestWorld.StartAsync();

        var (code, _, _) = await world.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/secrets", """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s1"}}""", accept: "application/json;as=Foo;g=meta.k8s.io;v=v1");
        var (getCode, _, _) = await world.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/secrets/s1");

        Assert.Equal((406, 404), (code, getCode));
    }

    [Fact]
    public async Task Kubectl_GetSecrets_TableAllNamespacesAndYamlStillServed()
    {
        await using var world = await KubeTestWorld.StartAsync();
        using var kubectl = new Kubectl(world.Server);
        await CreateSecretAsync(world, "s1");

        var table = await kubectl.OkAsync("get", "secrets", "-A");
        var yaml = await kubectl.OkAsync("get", "secrets", "-o", "yaml");

        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAMESPACE", "NAME", "TYPE", "DATA", "AGE"], Regex.Split(lines[0].Trim(), "\\s+"));
        Assert.Equal(["default", "s1", "Opaque", "1"], Regex.Split(lines[1].Trim(), "\\s+").Take(4));
        Assert.Contains("kind: List", yaml, StringComparison.Ordinal);
        Assert.Contains("kind: Secret", yaml, StringComparison.Ordinal);
        Assert.Contains($"token: {SecretValue}", yaml, StringComparison.Ordinal);
    }

    private static Task<V1Secret> CreateSecretAsync(KubeTestWorld world, string name, Dictionary<string, string>? labels = null) =>
        world.Client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret
            {
                Metadata = new V1ObjectMeta { Name = name, Labels = labels },
                Data = new Dictionary<string, byte[]> { ["token"] = Convert.FromBase64String(SecretValue) },
            },
            "default");

    private static List<string> Names(JsonObject list) =>
        list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).ToList();
}
