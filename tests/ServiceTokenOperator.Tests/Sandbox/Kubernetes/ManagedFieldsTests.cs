using System.Text.Json.Nodes;
using ServiceTokenOperator.Sandbox.Kubernetes;

namespace ServiceTokenOperator.Tests.Sandbox.Kubernetes;

public sealed class ManagedFieldsTests
{
    private const string Now = "2026-01-01T00:00:00Z";
    private static readonly ResourceType Deployments = new("apps", "v1", "deployments", "deployment", "Deployment", true) { HasStatus = true };
    private static readonly ResourceType Widgets = new("example.dev", "v1", "widgets", "widget", "Widget", true) { HasStatus = true, IsCustom = true };

    [Fact]
    public void Leaves_BuiltInNamedList_KeyedByNameWithItemMember()
    {
        var obj = Parse("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w","uid":"u","labels":{"a":"b"}},"spec":{"containers":[{"name":"app","image":"x"}]}}""");

        var leaves = ManagedFields.Leaves(obj, Deployments, FieldScope.Main).Select(ManagedFields.Display).Order(StringComparer.Ordinal);

        Assert.Equal([".metadata.labels.a", ".spec.containers[name=\"app\"]", ".spec.containers[name=\"app\"].image", ".spec.containers[name=\"app\"].name"], leaves);
    }

    [Fact]
    public void Leaves_CustomResourceList_IsAtomicAndFinalizersAreASet()
    {
        var obj = Parse("""{"metadata":{"finalizers":["a","b"]},"spec":{"tags":["x","y"]},"status":{"ready":true}}""");

        var leaves = ManagedFields.Leaves(obj, Widgets, FieldScope.Main).Select(ManagedFields.Display).Order(StringComparer.Ordinal);

        Assert.Equal([".metadata.finalizers[=\"a\"]", ".metadata.finalizers[=\"b\"]", ".spec.tags"], leaves);
    }

    [Fact]
    public void Apply_CustomResourceMapList_MergesItemsByTheSchemaKeys()
    {
        var schema = Parse("""{"type":"object","properties":{"spec":{"type":"object","properties":{"rules":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["host","port"],"items":{"type":"object"}},"hosts":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}}}}}}""");
        var type = Widgets with { Schema = schema };
        var live = ManagedFields.Apply(null, Parse("""{"metadata":{"name":"w"},"spec":{"rules":[{"host":"a","port":1,"x":1}],"hosts":["a"]}}"""), type, "alice", force: false, status: false, Now);

        var merged = ManagedFields.Apply(live, Parse("""{"metadata":{"name":"w"},"spec":{"rules":[{"host":"a","port":2,"x":2}],"hosts":["b"]}}"""), type, "bob", force: false, status: false, Now);

        Assert.Equal("""[{"host":"a","port":1,"x":1},{"host":"a","port":2,"x":2}]""", merged["spec"]!["rules"]!.ToJsonString());
        Assert.Equal("""["a","b"]""", merged["spec"]!["hosts"]!.ToJsonString());
        var bob = ManagedFields.Leaves(Parse("""{"spec":{"rules":[{"host":"a","port":2}]}}"""), type, FieldScope.Main).Select(ManagedFields.Display).Order(StringComparer.Ordinal);
        Assert.Equal([".spec.rules[host=\"a\",port=2]", ".spec.rules[host=\"a\",port=2].host", ".spec.rules[host=\"a\",port=2].port"], bob);
    }

    [Fact]
    public void Apply_ConflictsWithTwoManagers_MessageGroupsPathsByManager()
    {
        var live = ManagedFields.Apply(null, Parse("""{"metadata":{"name":"w"},"spec":{"a":1}}"""), Widgets, "alice", force: false, status: false, Now);
        live = ManagedFields.Apply(live, Parse("""{"metadata":{"name":"w"},"spec":{"b":1}}"""), Widgets, "bob", force: false, status: false, Now);

        var error = Assert.Throws<KubeApiException>(() =>
            ManagedFields.Apply(live, Parse("""{"metadata":{"name":"w"},"spec":{"a":2,"b":2}}"""), Widgets, "carol", force: false, status: false, Now));

        Assert.Equal(409, error.Code);
        Assert.Equal("Apply failed with 2 conflicts: conflicts with \"alice\":\n- .spec.a\nconflicts with \"bob\":\n- .spec.b", error.Message);
        Assert.Equal(2, error.Details!["causes"]!.AsArray().Count);
    }

    [Fact]
    public void Apply_StatusSubresource_OwnsOnlyStatusUnderSubresourceEntry()
    {
        var live = ManagedFields.Apply(null, Parse("""{"metadata":{"name":"w"},"spec":{"a":1}}"""), Widgets, "user", force: false, status: false, Now);

        var applied = ManagedFields.Apply(live, Parse("""{"metadata":{"name":"w"},"spec":{"a":5},"status":{"ready":true}}"""), Widgets, "controller", force: false, status: true, Now);

        Assert.Equal(1, applied["spec"]!["a"]!.GetValue<int>());
        Assert.True(applied["status"]!["ready"]!.GetValue<bool>());
        var entry = applied["metadata"]!["managedFields"]!.AsArray().Single(e => e!["manager"]!.GetValue<string>() == "controller")!;
        Assert.Equal("status", entry["subresource"]!.GetValue<string>());
        Assert.Equal("""{"f:status":{"f:ready":{}}}""", entry["fieldsV1"]!.ToJsonString());
    }

    [Fact]
    public void AfterUpdate_NothingChanged_KeepsEntriesAndTheirTime()
    {
        var obj = Parse("""{"metadata":{"name":"w"},"spec":{"a":1}}""");
        var entries = ManagedFields.AfterUpdate(null, obj, null, Widgets, "maker", null, Now)!;

        var again = ManagedFields.AfterUpdate(obj, obj.DeepClone().AsObject(), entries, Widgets, "other", null, "2030-01-01T00:00:00Z")!;

        Assert.True(JsonNode.DeepEquals(entries, again));
    }

    [Fact]
    public void AfterUpdate_RemovedField_LeavesEveryEntry()
    {
        var before = Parse("""{"metadata":{"name":"w"},"spec":{"a":1,"b":2}}""");
        var entries = ManagedFields.AfterUpdate(null, before, null, Widgets, "maker", null, Now)!;

        var after = ManagedFields.AfterUpdate(before, Parse("""{"metadata":{"name":"w"},"spec":{"a":1}}"""), entries, Widgets, "editor", null, Now)!;

        var only = Assert.Single(after);
        Assert.Equal("maker", only!["manager"]!.GetValue<string>());
        Assert.Equal("""{"f:spec":{"f:a":{}}}""", only["fieldsV1"]!.ToJsonString());
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
