using System.Text.Json;
using k8s;
using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.IntegrationTests.Rotation;

/// <summary>A restart costs nothing, also while a replaced token waits out its grace period (found by the benchmark).</summary>
public sealed class RestartAfterRotationTests(OperatorWorld world) : IClassFixture<OperatorWorld>
{
    [Fact]
    public async Task Rotation_WritesStatusOnce_AndARestartDuringTheGracePeriodWritesNothing()
    {
        await world.ApplyAsync("""
            apiVersion: servicetoken.dev/v1alpha1
            kind: ServiceToken
            metadata:
              name: pending
            spec:
              issuerRef:
                kind: ClusterTokenIssuer
                name: sandbox-planetscale
              rotation:
                every: 2160h
                gracePeriod: 1h
            """);
        await Eventually.ValueAsync(() => world.GetTokenAsync("default", "pending"), t => t?.Status?.Revision == 1 && Conditions.IsTrue(t.Status.Conditions, ConditionTypes.Ready), "revision 1 Ready");
        var writesBefore = StatusWrites();
        var patch = new V1Patch(JsonSerializer.Serialize(new { metadata = new { annotations = new Dictionary<string, string> { [SecretLabels.Rotate] = "once" } } }), V1Patch.PatchType.MergePatch);
        await world.Client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, ApiGroup.Group, ApiGroup.VersionName, "default", ServiceToken.Plural, "pending");
        var rotated = await Eventually.ValueAsync(() => world.GetTokenAsync("default", "pending"),
            t => t?.Status?.Revision == 2 && t.Status.PendingRevocations is { Count: 1 } && Conditions.IsTrue(t.Status.Conditions, ConditionTypes.Rotating), "revision 2 with the old token in its grace period");

        await world.StopOperatorAsync();
        await world.StartOperatorAsync();
        // The fresh operator has reconciled the token once: nothing to do, so nothing to write. Before revokeAt was
        // kept to whole seconds, the status came back from the API with a different Rotating message, and the next
        // reconcile (in the same process or after the restart) wrote it again.
        await Eventually.TrueAsync(async () => await world.ServiceTokenReconcilesAsync() >= 1, "the restarted operator to reconcile the token", seconds: 30);

        Assert.Equal(1, StatusWrites() - writesBefore);
        var after = await world.GetTokenAsync("default", "pending");
        Assert.Equal(rotated!.Metadata.ResourceVersion, after!.Metadata.ResourceVersion);
    }

    private long StatusWrites() => world.World.Kube.Stats.ByVerbAndResource().GetValueOrDefault("update servicetokens/status")
        + world.World.Kube.Stats.ByVerbAndResource().GetValueOrDefault("patch servicetokens/status");
}
