using k8s;
using k8s.Models;

namespace ServiceTokenOperator.IntegrationTests.Sandbox.Kubernetes;

public sealed class KubeRequestStatsTests
{
    [Fact]
    public async Task Stats_MixedRequests_CountedByVerbAndResource()
    {
        await using var world = await KubeTestWorld.StartAsync();
        var before = world.Server.RequestCount;

        await world.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s1" } }, "default");
        await world.Client.CoreV1.ReadNamespacedSecretAsync("s1", "default");
        await world.Client.CoreV1.ReadNamespacedSecretAsync("s1", "default");
        await world.Client.CoreV1.ListNamespacedSecretAsync("default");
        await world.Client.CoreV1.PatchNamespacedSecretAsync(
            new V1Patch("{\"metadata\":{\"labels\":{\"a\":\"b\"}}}", V1Patch.PatchType.MergePatch), "s1", "default");
        await world.Client.CoreV1.DeleteNamespacedSecretAsync("s1", "default");
        using var watch = await world.Http.GetAsync("/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1", HttpCompletionOption.ResponseHeadersRead);

        var stats = world.Server.Stats;
        var byKey = stats.ByVerbAndResource();
        Assert.Equal(2, stats.Reads);
        Assert.Equal(3, stats.Writes);
        Assert.Equal(1, stats.Lists);
        Assert.Equal(1, stats.Watches);
        Assert.Equal(1, byKey["create secrets"]);
        Assert.Equal(2, byKey["get secrets"]);
        Assert.Equal(1, byKey["patch secrets"]);
        Assert.Equal(1, byKey["delete secrets"]);
        Assert.Equal(1, byKey["watch configmaps"]);
        Assert.Equal(7, world.Server.RequestCount - before);
    }
}
