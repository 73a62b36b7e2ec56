using System.Text;
using k8s;
using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Sandbox.Vendors;

namespace ServiceTokenOperator.IntegrationTests.Controllers;

/// <summary>Vendor faults injected through the simulator's fault plan while the real operator rotates a token.</summary>
public sealed class VendorFailureTests
{
    private const string TokenYaml = """
        apiVersion: servicetoken.dev/v1alpha1
        kind: ServiceToken
        metadata:
          name: app
        spec:
          issuerRef:
            kind: ClusterTokenIssuer
            name: sandbox-planetscale
        """;

    [Fact]
    public async Task RotationDuringOutage_KeepsOldTokenInSecret_CountsFailures_BacksOffThenCompletes()
    {
        await using var world = await TunedOperatorWorld.StartAsync(_ => { });
        await world.ApplyAsync(TokenYaml);
        var issued = await Eventually.ValueAsync(() => world.GetTokenAsync("default", "app"), t => t?.Status?.TokenId is not null, "app to be issued");
        var oldId = issued!.Status!.TokenId!;

        world.World.PlanetScale.Faults.Apply(new FaultSettings { ErrorRate = 1, ErrorStatus = 503 });
        var before = world.World.PlanetScale.RequestCount;
        await RequestRotationAsync(world, "outage-1");

        var failing = await Eventually.ValueAsync(() => world.GetTokenAsync("default", "app"), t => t?.Status?.FailedAttempts >= 3, "three failed attempts", seconds: 30);
        Assert.Equal(Reasons.VendorUnavailable, failing!.Status!.LastFailure!.Reason);
        Assert.Equal(oldId, failing.Status.TokenId);
        Assert.True(Conditions.IsTrue(failing.Status.Conditions, ConditionTypes.Ready), "Ready stays True: the old token still works");
        Assert.Equal(oldId, await SecretTokenIdAsync(world));

        // No hot loop: with exponential backoff, a few seconds of outage cost a bounded number of requests.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var atStart = world.World.PlanetScale.RequestCount;
        await Task.Delay(TimeSpan.FromSeconds(3));
        var during = world.World.PlanetScale.RequestCount - atStart;
        Assert.True(during <= 20, $"{during} vendor requests in {clock.Elapsed.TotalSeconds:F1}s of outage");
        Assert.True(world.World.PlanetScale.RequestCount > before, "the rotation was attempted");

        world.World.PlanetScale.Faults.Apply(new FaultSettings());
        var rotated = await Eventually.ValueAsync(() => world.GetTokenAsync("default", "app"), t => t?.Status?.TokenId is { } id && id != oldId, "the rotation to complete after the outage", seconds: 60);
        Assert.Null(rotated!.Status!.FailedAttempts);
        Assert.Null(rotated.Status.LastFailure);
        Assert.Equal(rotated.Status.TokenId, await SecretTokenIdAsync(world));
    }

    [Fact]
    public async Task CredentialRejectedDuringRotation_IssuerReportsCredentialRejected_AndTokenKeepsOldToken()
    {
        await using var world = await TunedOperatorWorld.StartAsync(_ => { });
        await world.ApplyAsync(TokenYaml);
        var issued = await Eventually.ValueAsync(() => world.GetTokenAsync("default", "app"), t => t?.Status?.TokenId is not null, "app to be issued");
        var oldId = issued!.Status!.TokenId!;

        // The admin credential is revoked at the vendor: every call now answers 401.
        await world.DeletePlanetScaleTokenAsync(world.World.PlanetScale.AdminTokenId);
        await RequestRotationAsync(world, "after-revoke");

        // The issuer says what a person must fix; the ServiceToken keeps its working token and records the failure.
        var issuer = await Eventually.ValueAsync(() => world.GetClusterIssuerAsync("sandbox-planetscale"), i => Conditions.Find(i?.Status?.Conditions, ConditionTypes.Ready)?.Reason == Reasons.CredentialRejected, "the issuer to report CredentialRejected", seconds: 30);
        Assert.False(Conditions.IsTrue(issuer!.Status!.Conditions, ConditionTypes.Ready));
        // First the failed call is recorded; once the issuer is re-checked, the token stalls on its issuer's reason.
        var token = await Eventually.ValueAsync(() => world.GetTokenAsync("default", "app"),
            t => t?.Status?.LastFailure?.Reason == Reasons.CredentialRejected
                && Conditions.Find(t.Status.Conditions, ConditionTypes.Stalled) is { Status: "True" } stalled
                && stalled.Message.Contains(Reasons.CredentialRejected, StringComparison.Ordinal),
            "the token to stall on the rejected credential", seconds: 30);
        Assert.Equal(oldId, token!.Status!.TokenId);
        Assert.Equal(oldId, await SecretTokenIdAsync(world));
    }

    private static Task RequestRotationAsync(TunedOperatorWorld world, string value) =>
        world.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("{\"metadata\":{\"annotations\":{\"servicetoken.dev/rotate\":\"" + value + "\"}}}", V1Patch.PatchType.MergePatch),
            ApiGroup.Group, ApiGroup.VersionName, "default", ServiceToken.Plural, "app");

    private static async Task<string> SecretTokenIdAsync(TunedOperatorWorld world)
    {
        var secret = await world.Client.CoreV1.ReadNamespacedSecretAsync("app", "default");
        return Encoding.UTF8.GetString(secret.Data["PLANETSCALE_SERVICE_TOKEN_ID"]);
    }
}
