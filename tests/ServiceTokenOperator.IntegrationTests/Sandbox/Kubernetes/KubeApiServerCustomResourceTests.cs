using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ServiceTokenOperator.IntegrationTests.Sandbox.Kubernetes;

public sealed class KubeApiServerCustomResourceTests
{
    [Fact]
    public async Task CreateCrd_RegistersResourceAndEstablishes()
    {
        await using var world = await KubeTestWorld.StartAsync();

        await world.CreateWidgetCrdAsync();
        var crd = await world.Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync("widgets.example.dev");
        var (code, resources, _) = await world.SendAsync(HttpMethod.Get, "/apis/example.dev/v1");
        var created = await world.CreateWidgetAsync(KubeTestWorld.Widget("w1", 3));

        Assert.Contains(crd.Status.Conditions, c => c.Type == "Established" && c.Status == "True");
        Assert.Contains(crd.Status.Conditions, c => c.Type == "NamesAccepted" && c.Status == "True");
        Assert.Equal(200, code);
        var names = resources["resources"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["widgets", "widgets/status"], names);
        Assert.Equal("wd", resources["resources"]![0]!["shortNames"]![0]!.GetValue<string>());
        Assert.Equal(1, created["metadata"]!["generation"]!.GetValue<int>());
        Assert.Equal("slow", created["spec"]!["mode"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReplaceCrd_Unchanged_IsNoOpAndKeepsConditions()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await world.CreateWidgetCrdAsync();
        var crd = await world.Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync("widgets.example.dev");

        var same = await world.Client.ApiextensionsV1.ReplaceCustomResourceDefinitionAsync(crd, crd.Metadata.Name);
        crd.Spec.Names.ShortNames = ["wd", "wdg"];
        var changed = await world.Client.ApiextensionsV1.ReplaceCustomResourceDefinitionAsync(crd, crd.Metadata.Name);

        Assert.Equal(crd.Metadata.ResourceVersion, same.Metadata.ResourceVersion);
        Assert.NotEqual(crd.Metadata.ResourceVersion, changed.Metadata.ResourceVersion);
        Assert.Equal(crd.Status.Conditions.Select(c => c.LastTransitionTime), changed.Status.Conditions.Select(c => c.LastTransitionTime));
        Assert.Equal(["wd", "wdg"], changed.Status.AcceptedNames.ShortNames);
    }

    [Fact]
    public async Task DeleteCrd_RemovesResource()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await world.CreateWidgetCrdAsync();
        await world.CreateWidgetAsync(KubeTestWorld.Widget("w1", 3));

        await using var watch = await WatchStream.OpenAsync(world, "/apis/example.dev/v1/namespaces/default/widgets?watch=true");
        var added = await watch.NextAsync();

        await world.Client.ApiextensionsV1.DeleteCustomResourceDefinitionAsync("widgets.example.dev");
        var (code, _, _) = await world.SendAsync(HttpMethod.Get, "/apis/example.dev/v1/namespaces/default/widgets");
        var deleted = await watch.NextAsync();
        var end = await watch.NextAsync();

        Assert.Equal(404, code);
        Assert.Equal("ADDED", added!["type"]!.GetValue<string>());
        Assert.Equal("DELETED", deleted!["type"]!.GetValue<string>());
        Assert.Null(end);
    }

    [Fact]
    public async Task StatusSubresource_SeparatesStatusFromSpec_AndGenerationCountsSpecOnly()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await world.CreateWidgetCrdAsync();
        var widget = await world.CreateWidgetAsync(KubeTestWorld.Widget("w1", 3));

        widget["status"] = new JsonObject { ["observedGeneration"] = 1 };
        var afterMainPut = KubeTestWorld.ToNode(await world.Client.CustomObjects.ReplaceNamespacedCustomObjectAsync(widget, "example.dev", "v1", "default", "widgets", "w1"));
        var statusBody = afterMainPut.DeepClone().AsObject();
        statusBody["status"] = new JsonObject { ["observedGeneration"] = 1 };
        statusBody["spec"]!["size"] = 9;
        var afterStatusPut = KubeTestWorld.ToNode(await world.Client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(statusBody, "example.dev", "v1", "default", "widgets", "w1"));
        var afterSpecPatch = KubeTestWorld.ToNode(await world.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"size":5}}""", V1Patch.PatchType.MergePatch), "example.dev", "v1", "default", "widgets", "w1"));
        var afterLabelPatch = KubeTestWorld.ToNode(await world.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"metadata":{"labels":{"a":"b"}}}""", V1Patch.PatchType.MergePatch), "example.dev", "v1", "default", "widgets", "w1"));

        Assert.Null(afterMainPut["status"]);
        Assert.Equal(1, afterStatusPut["status"]!["observedGeneration"]!.GetValue<int>());
        Assert.Equal(3, afterStatusPut["spec"]!["size"]!.GetValue<int>());
        Assert.Equal(1, afterStatusPut["metadata"]!["generation"]!.GetValue<int>());
        Assert.Equal(2, afterSpecPatch["metadata"]!["generation"]!.GetValue<int>());
        Assert.Equal(2, afterLabelPatch["metadata"]!["generation"]!.GetValue<int>());
    }

    [Fact]
    public async Task Create_InvalidWidget_Returns422WithCausesInApiserverFormat()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await world.CreateWidgetCrdAsync();
        var widget = KubeTestWorld.Widget("bad", 30);
        widget["spec"]!["every"] = "abc";
        widget["spec"]!["mode"] = "odd";
        widget["spec"]!["tags"] = new JsonArray("a", "b", "c", "d");

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => world.CreateWidgetAsync(widget));
        var status = JsonNode.Parse(error.Response.Content)!.AsObject();
        var causes = status["details"]!["causes"]!.AsArray().Select(c => (c!["reason"]!.GetValue<string>(), c["field"]!.GetValue<string>())).ToList();

        Assert.Equal(422, (int)error.Response.StatusCode);
        Assert.Equal("Invalid", status["reason"]!.GetValue<string>());
        Assert.Equal("Widget", status["details"]!["kind"]!.GetValue<string>());
        Assert.Contains(("FieldValueInvalid", "spec.size"), causes);
        Assert.Contains(("FieldValueInvalid", "spec.every"), causes);
        Assert.Contains(("FieldValueNotSupported", "spec.mode"), causes);
        Assert.Contains(("FieldValueTooMany", "spec.tags"), causes);
        Assert.Contains("spec.every: Invalid value: \"abc\": spec.every in body should match '^[0-9]+(h|m|s)$'", status["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("Widget.example.dev \"bad\" is invalid: [", status["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_MissingRequiredAndBothOfNot_Returns422()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await world.CreateWidgetCrdAsync();
        var noSize = KubeTestWorld.Widget("a", 1);
        noSize["spec"]!.AsObject().Remove("size");
        var both = KubeTestWorld.Widget("b", 1);
        both["spec"]!["color"] = "red";
        both["spec"]!["paint"] = "blue";

        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => world.CreateWidgetAsync(noSize));
        var notBoth = await Assert.ThrowsAsync<HttpOperationException>(() => world.CreateWidgetAsync(both));

        Assert.Equal(
            "Widget.example.dev \"a\" is invalid: spec.size: Required value",
            JsonNode.Parse(missing.Response.Content)!["message"]!.GetValue<string>());
        var cause = JsonNode.Parse(missing.Response.Content)!["details"]!["causes"]![0]!;
        Assert.Equal("FieldValueRequired", cause["reason"]!.GetValue<string>());
        Assert.Equal(422, (int)notBoth.Response.StatusCode);
        Assert.Equal("spec", JsonNode.Parse(notBoth.Response.Content)!["details"]!["causes"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownFields_PrunedWarnedOrRejected_ByFieldValidation()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await world.CreateWidgetCrdAsync();
        const string body = """{"apiVersion":"example.dev/v1","kind":"Widget","metadata":{"name":"NAME"},"spec":{"size":2,"bogus":1,"extra":{"kept":true},"port":"http"}}""";

        var (warnCode, warned, warnResponse) = await world.SendAsync(HttpMethod.Post, "/apis/example.dev/v1/namespaces/default/widgets", body.Replace("NAME", "w1", StringComparison.Ordinal));
        var (strictCode, strict, _) = await world.SendAsync(HttpMethod.Post, "/apis/example.dev/v1/namespaces/default/widgets?fieldValidation=Strict", body.Replace("NAME", "w2", StringComparison.Ordinal));

        Assert.Equal(201, warnCode);
        Assert.Null(warned["spec"]!["bogus"]);
        Assert.True(warned["spec"]!["extra"]!["kept"]!.GetValue<bool>());
        Assert.Equal("http", warned["spec"]!["port"]!.GetValue<string>());
        Assert.Equal("299 - \"unknown field \\\"spec.bogus\\\"\"", string.Join(",", warnResponse.Headers.GetValues("Warning")));
        Assert.Equal(400, strictCode);
        Assert.Contains("unknown field \"spec.bogus\"", strict["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StrategicMergePatch_OnCustomResource_Returns415()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await world.CreateWidgetCrdAsync();
        await world.CreateWidgetAsync(KubeTestWorld.Widget("w1", 3));

        var (code, status, _) = await world.SendAsync(HttpMethod.Patch, "/apis/example.dev/v1/namespaces/default/widgets/w1", """{"spec":{"size":4}}""", "application/strategic-merge-patch+json");

        Assert.Equal(415, code);
        Assert.Equal("UnsupportedMediaType", status["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task ServerSideApply_CreatesThenMerges()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await world.CreateWidgetCrdAsync();
        const string path = "/apis/example.dev/v1/namespaces/default/widgets/w1?fieldManager=test&force=true";

        var (created, first, _) = await world.SendAsync(HttpMethod.Patch, path, "apiVersion: example.dev/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 2\n", "application/apply-patch+yaml");
        var (merged, second, _) = await world.SendAsync(HttpMethod.Patch, path, """{"apiVersion":"example.dev/v1","kind":"Widget","metadata":{"name":"w1","labels":{"x":"y"}},"spec":{"size":4}}""", "application/apply-patch+yaml");

        Assert.Equal(201, created);
        Assert.Equal(2, first["spec"]!["size"]!.GetValue<int>());
        Assert.Equal(200, merged);
        Assert.Equal(4, second["spec"]!["size"]!.GetValue<int>());
        Assert.Equal("y", second["metadata"]!["labels"]!["x"]!.GetValue<string>());
    }

    [Fact]
    public async Task TableOutput_UsesPrinterColumnsAndConditionsJsonPath()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await world.CreateWidgetCrdAsync();
        await world.CreateWidgetAsync(KubeTestWorld.Widget("w1", 3));
        await world.Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"status":{"conditions":[{"type":"Synced","status":"False"},{"type":"Ready","status":"True"}]}}""", V1Patch.PatchType.MergePatch),
            "example.dev", "v1", "default", "widgets", "w1");

        var (code, table, _) = await world.SendAsync(HttpMethod.Get, "/apis/example.dev/v1/widgets", accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");

        Assert.Equal(200, code);
        Assert.Equal("Table", table["kind"]!.GetValue<string>());
        Assert.Equal(["Name", "Size", "Ready", "Age"], table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        var cells = table["rows"]![0]!["cells"]!.AsArray();
        Assert.Equal("w1", cells[0]!.GetValue<string>());
        Assert.Equal(3, cells[1]!.GetValue<int>());
        Assert.Equal("True", cells[2]!.GetValue<string>());
        Assert.EndsWith("s", cells[3]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("PartialObjectMetadata", table["rows"]![0]!["object"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task OwnerDeleted_DependentsCollected_PerPropagationPolicy()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await world.CreateWidgetCrdAsync();
        var background = await world.CreateWidgetAsync(KubeTestWorld.Widget("bg", 1));
        var orphan = await world.CreateWidgetAsync(KubeTestWorld.Widget("or", 1));
        var foreground = await world.CreateWidgetAsync(KubeTestWorld.Widget("fg", 1));
        await CreateOwned(world, "bg-secret", background);
        await CreateOwned(world, "or-secret", orphan);
        await CreateOwned(world, "fg-secret", foreground, "example.dev/hold");

        await world.Client.CustomObjects.DeleteNamespacedCustomObjectAsync("example.dev", "v1", "default", "widgets", "bg", propagationPolicy: "Background");
        await world.Client.CustomObjects.DeleteNamespacedCustomObjectAsync("example.dev", "v1", "default", "widgets", "or", propagationPolicy: "Orphan");
        await world.Client.CustomObjects.DeleteNamespacedCustomObjectAsync("example.dev", "v1", "default", "widgets", "fg", propagationPolicy: "Foreground");
        var heldOwner = await world.GetWidgetAsync("fg");
        await world.Client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), "fg-secret", "default");

        var secrets = (await world.Client.CoreV1.ListNamespacedSecretAsync("default")).Items.ToDictionary(s => s.Metadata.Name);
        Assert.DoesNotContain("bg-secret", secrets.Keys);
        Assert.Null(secrets["or-secret"].Metadata.OwnerReferences);
        Assert.Contains("foregroundDeletion", heldOwner["metadata"]!["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.NotNull(heldOwner["metadata"]!["deletionTimestamp"]);
        Assert.DoesNotContain("fg-secret", secrets.Keys);
        var gone = await Assert.ThrowsAsync<HttpOperationException>(() => world.GetWidgetAsync("fg"));
        Assert.Equal(404, (int)gone.Response.StatusCode);
    }

    [Fact]
    public async Task ForegroundDelete_WithoutBlockingFinalizers_RemovesOwnerOnceAfterDependents()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await world.CreateWidgetCrdAsync();
        var owner = await world.CreateWidgetAsync(KubeTestWorld.Widget("fg", 1));
        await CreateOwned(world, "dep", owner);
        var rv = (await world.Client.CoreV1.ListNamespacedSecretAsync("default")).Metadata.ResourceVersion;
        await using var watch = await WatchStream.OpenAsync(world, $"/apis/example.dev/v1/namespaces/default/widgets?watch=true&allowWatchBookmarks=true&timeoutSeconds=5&resourceVersion={rv}");

        await world.Client.CustomObjects.DeleteNamespacedCustomObjectAsync("example.dev", "v1", "default", "widgets", "fg", propagationPolicy: "Foreground");
        var marked = await watch.NextAsync();
        var deleted = await watch.NextAsync();
        var quiet = await watch.NextAsync();
        await world.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "later" } }, "default");
        var (code, list, _) = await world.SendAsync(HttpMethod.Get, "/apis/example.dev/v1/namespaces/default/widgets");

        Assert.Equal("MODIFIED", marked!["type"]!.GetValue<string>());
        Assert.Equal("DELETED", deleted!["type"]!.GetValue<string>());
        Assert.Equal("BOOKMARK", quiet!["type"]!.GetValue<string>());
        Assert.Equal(200, code);
        Assert.Empty(list["items"]!.AsArray());
        Assert.Empty((await world.Client.CoreV1.ListNamespacedSecretAsync("default")).Items);
    }

    [Fact]
    public async Task DependentOfMissingOwner_IsCollected()
    {
        await using var world = await KubeTestWorld.StartAsync();
        var missingOwner = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = "ghost", ["uid"] = Guid.NewGuid().ToString() } };

        await CreateOwned(world, "orphaned", missingOwner);

        await Eventually.TrueAsync(
            async () => (await world.Client.CoreV1.ListNamespacedSecretAsync("default")).Items.Count == 0, "the garbage collector");
    }

    private static Task<V1Secret> CreateOwned(KubeTestWorld world, string name, JsonObject owner, string? finalizer = null) =>
        world.Client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret
            {
                Metadata = new V1ObjectMeta
                {
                    Name = name,
                    Finalizers = finalizer is null ? null : [finalizer],
                    OwnerReferences =
                    [
                        new V1OwnerReference
                        {
                            ApiVersion = owner["apiVersion"]!.GetValue<string>(),
                            Kind = owner["kind"]!.GetValue<string>(),
                            Name = owner["metadata"]!["name"]!.GetValue<string>(),
                            Uid = owner["metadata"]!["uid"]!.GetValue<string>(),
                            BlockOwnerDeletion = true,
                        },
                    ],
                },
            },
            "default");
}
