using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ServiceTokenOperator.IntegrationTests.Sandbox.Kubernetes;

/// <summary>Server-side apply through KubernetesClient: managedFields, field managers, conflicts, force.</summary>
public sealed class KubeApiServerApplyTests
{
    [Fact]
    public async Task Apply_NewObject_CreatedWithApplyEntryInManagedFields()
    {
        await using var world = await KubeTestWorld.StartAsync();

        var created = await ApplyConfigMapAsync(world, "alice", """{"a":"1"}""");

        var entry = Assert.Single(created.Metadata.ManagedFields);
        Assert.Equal("alice", entry.Manager);
        Assert.Equal("Apply", entry.Operation);
        Assert.Equal("v1", entry.ApiVersion);
        Assert.Equal("FieldsV1", entry.FieldsType);
        Assert.Equal("""{"f:data":{"f:a":{}}}""", KubernetesJson.Serialize(entry.FieldsV1));
        Assert.Equal("1", created.Data["a"]);
    }

    [Fact]
    public async Task Apply_OtherManagerChangesOwnedField_Returns409NamingManagerAndField()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await ApplyConfigMapAsync(world, "alice", """{"a":"1"}""");

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => ApplyConfigMapAsync(world, "bob", """{"a":"2"}"""));
        var current = await world.Client.CoreV1.ReadNamespacedConfigMapAsync("cm", "default");

        Assert.Equal(409, (int)error.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
        Assert.Equal("Conflict", status.Reason);
        Assert.Equal("Apply failed with 1 conflict: conflict with \"alice\": .data.a", status.Message);
        var cause = Assert.Single(status.Details.Causes);
        Assert.Equal("FieldManagerConflict", cause.Reason);
        Assert.Equal(".data.a", cause.Field);
        Assert.Equal("conflict with \"alice\"", cause.Message);
        Assert.Equal("1", current.Data["a"]);
    }

    [Fact]
    public async Task Apply_SameValueFromSecondManager_SharesOwnershipWithoutConflict()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await ApplyConfigMapAsync(world, "alice", """{"a":"1"}""");

        var shared = await ApplyConfigMapAsync(world, "bob", """{"a":"1","b":"2"}""");

        Assert.Equal(["alice", "bob"], shared.Metadata.ManagedFields.Select(e => e.Manager).Order());
        Assert.All(shared.Metadata.ManagedFields, e => Assert.Contains("\"f:a\"", KubernetesJson.Serialize(e.FieldsV1), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Apply_Forced_OverwritesAndTakesOwnership()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await ApplyConfigMapAsync(world, "alice", """{"a":"1","keep":"x"}""");

        var forced = await ApplyConfigMapAsync(world, "bob", """{"a":"2"}""", force: true);

        Assert.Equal("2", forced.Data["a"]);
        var alice = forced.Metadata.ManagedFields.Single(e => e.Manager == "alice");
        var bob = forced.Metadata.ManagedFields.Single(e => e.Manager == "bob");
        Assert.Equal("""{"f:data":{"f:keep":{}}}""", KubernetesJson.Serialize(alice.FieldsV1));
        Assert.Equal("""{"f:data":{"f:a":{}}}""", KubernetesJson.Serialize(bob.FieldsV1));
    }

    [Fact]
    public async Task Apply_FieldLeftOutOfConfig_RemovedUnlessAnotherManagerOwnsIt()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await ApplyConfigMapAsync(world, "alice", """{"a":"1","b":"2","c":"3"}""");
        await ApplyConfigMapAsync(world, "bob", """{"c":"3"}""");

        var after = await ApplyConfigMapAsync(world, "alice", """{"a":"1"}""");

        Assert.Equal(["a", "c"], after.Data.Keys.Order());
    }

    [Fact]
    public async Task Apply_AfterMergePatchByOtherManager_ConflictNamesUpdaterWithVersionAndTime()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await ApplyConfigMapAsync(world, "alice", """{"a":"1"}""");
        var patched = await world.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"data":{"a":"9"}}""", V1Patch.PatchType.MergePatch), "cm", "default", fieldManager: "carol");

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => ApplyConfigMapAsync(world, "alice", """{"a":"1"}"""));

        var carol = patched.Metadata.ManagedFields.Single(e => e.Manager == "carol");
        Assert.Equal("Update", carol.Operation);
        Assert.DoesNotContain(patched.Metadata.ManagedFields, e => e.Manager == "alice");
        var cause = Assert.Single(KubernetesJson.Deserialize<V1Status>(error.Response.Content).Details.Causes);
        Assert.StartsWith("conflict with \"carol\" using v1 at ", cause.Message, StringComparison.Ordinal);
        Assert.Equal(".data.a", cause.Field);
    }

    [Fact]
    public async Task Apply_TwoManagersOwnDifferentContainers_ListMergesByName()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await ApplyDeploymentAsync(world, "alice", "app", "nginx:1");

        var merged = await ApplyDeploymentAsync(world, "bob", "sidecar", "envoy:1");
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => ApplyDeploymentAsync(world, "bob", "app", "nginx:2"));

        Assert.Equal(["app", "sidecar"], merged.Spec.Template.Spec.Containers.Select(c => c.Name));
        var cause = Assert.Single(KubernetesJson.Deserialize<V1Status>(conflict.Response.Content).Details.Causes);
        Assert.Equal(".spec.template.spec.containers[name=\"app\"].image", cause.Field);
        var alice = KubernetesJson.Serialize(merged.Metadata.ManagedFields.Single(e => e.Manager == "alice").FieldsV1);
        var item = JsonNode.Parse(alice)!["f:spec"]!["f:template"]!["f:spec"]!["f:containers"]!["k:{\"name\":\"app\"}"]!.AsObject();
        Assert.Equal([".", "f:image", "f:name"], item.Select(p => p.Key));
    }

    [Fact]
    public async Task Apply_UnchangedConfig_IsNoOpWithSameResourceVersion()
    {
        await using var world = await KubeTestWorld.StartAsync();
        var first = await ApplyConfigMapAsync(world, "alice", """{"a":"1"}""");

        var second = await ApplyConfigMapAsync(world, "alice", """{"a":"1"}""");

        Assert.Equal(first.Metadata.ResourceVersion, second.Metadata.ResourceVersion);
        Assert.Equal(first.Metadata.ManagedFields.Single().Time, second.Metadata.ManagedFields.Single().Time);
    }

    [Fact]
    public async Task CreateAndUpdate_RecordUpdateEntriesForTheirManagers()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await world.Client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm" }, Data = new Dictionary<string, string> { ["a"] = "1" } }, "default", fieldManager: "maker");
        var read = await world.Client.CoreV1.ReadNamespacedConfigMapAsync("cm", "default");
        read.Data["b"] = "2";

        var replaced = await world.Client.CoreV1.ReplaceNamespacedConfigMapAsync(read, "cm", "default", fieldManager: "editor");

        var maker = replaced.Metadata.ManagedFields.Single(e => e.Manager == "maker");
        var editor = replaced.Metadata.ManagedFields.Single(e => e.Manager == "editor");
        Assert.Equal("Update", maker.Operation);
        Assert.Equal("""{"f:data":{"f:a":{}}}""", KubernetesJson.Serialize(maker.FieldsV1));
        Assert.Equal("""{"f:data":{"f:b":{}}}""", KubernetesJson.Serialize(editor.FieldsV1));
    }

    [Fact]
    public async Task Patch_ForceOnMergePatch_Returns400()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await ApplyConfigMapAsync(world, "alice", """{"a":"1"}""");

        var (code, body, _) = await world.SendAsync(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/cm?force=true", """{"data":{"a":"2"}}""", "application/merge-patch+json");

        Assert.Equal(400, code);
        Assert.Equal("BadRequest", body["reason"]!.GetValue<string>());
    }

    private static Task<V1ConfigMap> ApplyConfigMapAsync(KubeTestWorld world, string manager, string data, bool force = false)
    {
        var body = $$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"default"},"data":{{data}}}""";
        return world.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(body, V1Patch.PatchType.ApplyPatch), "cm", "default", fieldManager: manager, force: force);
    }

    private static Task<V1Deployment> ApplyDeploymentAsync(KubeTestWorld world, string manager, string container, string image)
    {
        var body = new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = "web", ["namespace"] = "default" },
            ["spec"] = new JsonObject
            {
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "web" } },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = "web" } },
                    ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = container, ["image"] = image }) },
                },
            },
        };
        return world.Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(body.ToJsonString(), V1Patch.PatchType.ApplyPatch), "web", "default", fieldManager: manager);
    }
}
