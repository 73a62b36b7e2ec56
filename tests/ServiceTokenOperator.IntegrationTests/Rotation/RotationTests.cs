using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Rotation;
using ServiceTokenOperator.Sandbox.World;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.IntegrationTests.Rotation;

/// <summary>The rotation lifecycle on Quartz with periods of seconds: several rotations, grace, revoke, restarts, pacing.</summary>
public sealed class RotationTests(OperatorWorld world) : IClassFixture<OperatorWorld>
{
    private static string Token(string name, string rotation, string issuer = SandboxWorld.PlanetScaleIssuer) =>
        TestManifests.ServiceToken(name, issuer, "  rotation:\n" + rotation);

    [Fact]
    public async Task EveryFiveSeconds_RotatesSeveralTimes_ReadyStaysTrue_AndEachOldTokenIsRevokedAfterItsGrace()
    {
        await world.ApplyAsync(Token("periodic", """
                every: 5s
                gracePeriod: 2s
            """));

        var notReadyWhileIssued = 0;
        var done = await Eventually.ValueAsync(async () =>
        {
            var token = await world.GetTokenAsync("default", "periodic");
            if (token?.Status?.Revision >= 1 && !Conditions.IsTrue(token.Status.Conditions, ConditionTypes.Ready)) notReadyWhileIssued++;
            return token;
        }, t => t?.Status?.Revision >= 3 && t.Status.PendingRevocations is null, "three revisions with the last grace period over", seconds: 60);

        Assert.Equal(0, notReadyWhileIssued);
        var mine = world.World.PlanetScale.Tokens().Where(t => t.Name?.Contains("-default-periodic-r", StringComparison.Ordinal) == true).ToList();
        Assert.True(mine.Count >= 3, $"expected at least three revisions at the vendor, found {mine.Count}");
        var live = Assert.Single(mine, t => t.Live);
        Assert.Equal(done!.Status!.TokenId, live.Id);
        var secret = await world.Client.CoreV1.ReadNamespacedSecretAsync("periodic", "default");
        Assert.Equal(live.Id, Encoding.UTF8.GetString(secret.Data["PLANETSCALE_SERVICE_TOKEN_ID"]));
        // Each replaced token lived at least its grace period past its successor's creation.
        foreach (var old in mine.Where(t => !t.Live))
        {
            var successor = mine.Where(t => t.CreatedAt > old.CreatedAt).MinBy(t => t.CreatedAt)!;
            Assert.True(old.RevokedAt >= successor.CreatedAt + TimeSpan.FromSeconds(1.9), $"{old.Id} was revoked {old.RevokedAt - successor.CreatedAt} after its successor");
        }

        var rotating = Conditions.Find(done.Status.Conditions, ConditionTypes.Rotating)!;
        Assert.Equal(("False", Reasons.Idle), (rotating.Status, rotating.Reason));
    }

    [Fact]
    public async Task RotateAnnotation_RotatesOnce_ShowsGracePeriod_AndRestartsTargets()
    {
        await world.ApplyAsync("""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec:
              selector:
                matchLabels: {app: api}
              template:
                metadata:
                  labels: {app: api}
                spec:
                  containers:
                    - name: api
                      image: example/api:1
            """);
        await world.ApplyAsync(Token("manual", """
                gracePeriod: 1h
                restartTargets:
                  - kind: Deployment
                    name: api
            """));
        var first = await Eventually.ValueAsync(() => world.GetTokenAsync("default", "manual"), t => t?.Status?.Revision == 1, "the first revision");
        Assert.Null(await RestartedAtAsync("api"));

        await AnnotateAsync("manual", "2026-11-23T10:00:00Z");
        var rotated = await Eventually.ValueAsync(() => world.GetTokenAsync("default", "manual"), t => t?.Status?.Revision == 2, "the manual rotation");

        Assert.Equal("2026-11-23T10:00:00Z", rotated!.Status!.LastRotateRequest);
        var pending = Assert.Single(rotated.Status.PendingRevocations!);
        Assert.Equal(first!.Status!.TokenId, pending.TokenId);
        Assert.True(Conditions.IsTrue(rotated.Status.Conditions, ConditionTypes.Ready));
        Assert.Equal(Reasons.GracePeriod, Conditions.Find(rotated.Status.Conditions, ConditionTypes.Rotating)!.Reason);
        Assert.True(world.World.PlanetScale.Tokens().Single(t => t.Id == first.Status.TokenId).Live, "the old token stays valid for its grace period");
        Assert.NotNull(await RestartedAtAsync("api"));

        // The same annotation value again is not a new request.
        var vendorTokens = world.World.PlanetScale.Tokens().Count;
        await world.ApplyAsync(Token("manual", """
                gracePeriod: 1h
                restartTargets:
                  - kind: Deployment
                    name: api
            """));
        var again = await world.GetTokenAsync("default", "manual");
        Assert.Equal(2, again!.Status!.Revision);
        Assert.Equal(vendorTokens, world.World.PlanetScale.Tokens().Count);
    }

    [Fact]
    public async Task OverdueAfterAnOutage_RotationsArePacedPerIssuer_NotFiredAtOnce()
    {
        var names = Enumerable.Range(1, 4).Select(i => $"overdue-{i}").ToList();
        foreach (var name in names)
        {
            await world.ApplyAsync(Token(name, """
                    every: 30s
                    gracePeriod: 1s
                """));
        }

        var issued = new List<ServiceToken>();
        foreach (var name in names) issued.Add((await Eventually.ValueAsync(() => world.GetTokenAsync("default", name), t => t?.Status?.Revision == 1, $"{name} issued"))!);

        await world.StopOperatorAsync();
        var latestDue = issued.Max(t => ServiceTokenDecision.Utc(t.Status!.NextRotationAt)!.Value);
        await Eventually.ValueAsync(() => Task.FromResult(TimeProvider.System.GetUtcNow()), now => now > latestDue + TimeSpan.FromSeconds(1), "every rotation to be overdue", seconds: 45);
        await world.StartOperatorAsync();

        foreach (var name in names) await Eventually.ValueAsync(() => world.GetTokenAsync("default", name), t => t?.Status?.Revision == 2, $"{name} rotated", seconds: 30);

        var created = names
            .Select(n => world.World.PlanetScale.Tokens().Single(t => t.Name?.EndsWith($"-default-{n}-r2", StringComparison.Ordinal) == true).CreatedAt)
            .Order()
            .ToList();
        // Four slots one second apart: the span is about three seconds; all at once it would be milliseconds.
        var span = created[^1] - created[0];
        Assert.True(span >= TimeSpan.FromSeconds(2), $"four overdue rotations on one issuer were spread over only {span}");
    }

    private async Task AnnotateAsync(string name, string value)
    {
        var patch = new V1Patch(JsonSerializer.Serialize(new { metadata = new { annotations = new Dictionary<string, string> { [SecretLabels.Rotate] = value } } }), V1Patch.PatchType.MergePatch);
        await world.Client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, ApiGroup.Group, ApiGroup.VersionName, "default", ServiceToken.Plural, name);
    }

    private async Task<string?> RestartedAtAsync(string deployment)
    {
        var d = await world.Client.AppsV1.ReadNamespacedDeploymentAsync(deployment, "default");
        return d.Spec.Template.Metadata?.Annotations?.TryGetValue(RolloutRestarter.RestartedAt, out var value) == true ? value : null;
    }
}
