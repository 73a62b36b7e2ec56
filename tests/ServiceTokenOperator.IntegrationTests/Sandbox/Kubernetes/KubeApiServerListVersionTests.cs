using k8s;
using k8s.Models;

namespace ServiceTokenOperator.IntegrationTests.Sandbox.Kubernetes;

/// <summary>List with resourceVersion and resourceVersionMatch, as the apiserver serves them.</summary>
public sealed class KubeApiServerListVersionTests
{
    [Fact]
    public async Task ListExact_OlderResourceVersion_ShowsTheStateAtThatVersion()
    {
        await using var world = await KubeTestWorld.StartAsync();
        var a = await world.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a", "1"), "default");
        await world.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b", "1"), "default");
        await world.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"v":"2"}}""", V1Patch.PatchType.MergePatch), "a", "default");
        await world.Client.CoreV1.DeleteNamespacedConfigMapAsync("b", "default");
        await world.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c", "1"), "default");

        var then = await world.Client.CoreV1.ListNamespacedConfigMapAsync("default", resourceVersion: a.Metadata.ResourceVersion, resourceVersionMatch: "Exact");
        var now = await world.Client.CoreV1.ListNamespacedConfigMapAsync("default", resourceVersion: a.Metadata.ResourceVersion, resourceVersionMatch: "NotOlderThan");

        Assert.Equal(a.Metadata.ResourceVersion, then.Metadata.ResourceVersion);
        var only = Assert.Single(then.Items);
        Assert.Equal("a", only.Metadata.Name);
        Assert.Equal("1", only.Data["v"]);
        Assert.Equal(["a", "c"], now.Items.Select(i => i.Metadata.Name));
        Assert.Equal("2", now.Items[0].Data["v"]);
    }

    [Fact]
    public async Task List_ResourceVersionTooLargeTooOldOrMalformed_AnswersAsTheApiserver()
    {
        await using var world = await KubeTestWorld.StartAsync();
        var first = await world.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a", "1"), "default");
        await world.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b", "1"), "default");
        world.Server.Faults.Compact();

        var (tooLarge, large, _) = await world.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps?resourceVersion=999999");
        var (tooOld, old, _) = await world.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/default/configmaps?resourceVersion={first.Metadata.ResourceVersion}&resourceVersionMatch=Exact");
        var (noVersion, _, _) = await world.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps?resourceVersionMatch=Exact");
        var (exactZero, _, _) = await world.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps?resourceVersion=0&resourceVersionMatch=Exact");
        var (any, anyList, _) = await world.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps?resourceVersion=0");

        Assert.Equal(504, tooLarge);
        Assert.Equal("Timeout", large["reason"]!.GetValue<string>());
        Assert.Equal("ResourceVersionTooLarge", large["details"]!["causes"]![0]!["reason"]!.GetValue<string>());
        Assert.Equal(410, tooOld);
        Assert.Equal("Expired", old["reason"]!.GetValue<string>());
        Assert.Equal(400, noVersion);
        Assert.Equal(400, exactZero);
        Assert.Equal(200, any);
        Assert.Equal(2, anyList["items"]!.AsArray().Count);
    }

    private static V1ConfigMap ConfigMap(string name, string value) =>
        new() { Metadata = new V1ObjectMeta { Name = name }, Data = new Dictionary<string, string> { ["v"] = value } };
}
