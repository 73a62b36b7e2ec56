using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Sandbox.Vendors;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.IntegrationTests.Rotation;

/// <summary>
/// design.md §3's invariants after a crash between every pair of steps: the operator host stops dead at a fail
/// point, a fresh one starts, and once it has converged the vendor's live tokens are exactly the one the Secret
/// holds; no Secret ever held a revoked token on the way.
/// </summary>
public sealed class CrashTests(OperatorWorld world) : IClassFixture<OperatorWorld>
{
    public static TheoryData<string> FirstIssuePoints => [FailPoints.AfterFinalizer, FailPoints.AfterCreate, FailPoints.AfterVerify, FailPoints.AfterSecret, FailPoints.AfterStatus];

    public static TheoryData<string> RotationPoints => [FailPoints.AfterCreate, FailPoints.AfterVerify, FailPoints.AfterSecret, FailPoints.AfterRestart, FailPoints.AfterStatus, FailPoints.AfterRevoke];

    private static string Token(string name, string issuer) => TestManifests.ServiceToken(name, issuer, """
          rotation:
            gracePeriod: 1s
            restartTargets:
              - kind: Deployment
                name: crash-app
        """);

    [Theory]
    [MemberData(nameof(FirstIssuePoints))]
    public async Task CrashDuringFirstIssue_FreshOperatorConverges_WithExactlyOneLiveToken(string point)
    {
        var name = $"first-{point}";
        await EnsureDeploymentAsync();
        world.Host.FailPoints.Arm(point);
        await world.ApplyAsync(Token(name, "sandbox-planetscale"));
        await CrashAndRestartAsync(point);

        await AssertConvergedAsync(name, world.World.PlanetScale.Tokens, minRevision: 1);
    }

    [Theory]
    [MemberData(nameof(RotationPoints))]
    public async Task CrashDuringRotation_FreshOperatorConverges_WithExactlyOneLiveToken(string point)
    {
        var name = $"rotate-{point}";
        await EnsureDeploymentAsync();
        await world.ApplyAsync(Token(name, "sandbox-upsun"));
        await Eventually.ValueAsync(() => world.GetTokenAsync("default", name), t => t?.Status?.Revision == 1, $"{name} issued");

        world.Host.FailPoints.Arm(point);
        var patch = new V1Patch(JsonSerializer.Serialize(new { metadata = new { annotations = new Dictionary<string, string> { [SecretLabels.Rotate] = point } } }), V1Patch.PatchType.MergePatch);
        await world.Client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, "servicetoken.dev", "v1alpha1", "default", ServiceToken.Plural, name);
        await CrashAndRestartAsync(point);

        await AssertConvergedAsync(name, world.World.Upsun.Tokens, minRevision: 2);
    }

    private async Task CrashAndRestartAsync(string point)
    {
        var crashed = world.Host.FailPoints.Crashed;
        await Eventually.ValueAsync(() => Task.FromResult(crashed.IsCompleted), done => done, $"the operator to reach {point}");
        await world.StopOperatorAsync();
        await world.StartOperatorAsync();
    }

    /// <summary>Waits for convergence, checking on every look that the Secret never holds a revoked token.</summary>
    private async Task AssertConvergedAsync(string name, Func<IReadOnlyList<SandboxTokenRecord>> vendorTokens, long minRevision)
    {
        var mine = () => vendorTokens().Where(t => t.Name?.Contains($"-default-{name}-r", StringComparison.Ordinal) == true).ToList();
        var converged = await Eventually.ValueAsync(async () =>
        {
            var token = await world.GetTokenAsync("default", name);
            var secretTokenId = await SecretTokenIdAsync(name);
            if (secretTokenId is not null)
                Assert.True(mine().Single(t => t.Id == secretTokenId).Live, $"the Secret of {name} holds revoked token {secretTokenId}");
            return (token, secretTokenId, live: mine().Where(t => t.Live).Select(t => t.Id).ToList());
        }, s => s.token?.Status?.Revision >= minRevision && s.token.Status.PendingRevocations is null
                && s.live.Count == 1 && s.live[0] == s.token.Status.TokenId && s.secretTokenId == s.token.Status.TokenId,
        $"{name} to converge to exactly one live token, the Secret's", seconds: 60);

        Assert.True(Conditions.IsTrue(converged.token!.Status!.Conditions, ConditionTypes.Ready));
    }

    private async Task<string?> SecretTokenIdAsync(string name)
    {
        try
        {
            var secret = await world.Client.CoreV1.ReadNamespacedSecretAsync(name, "default");
            return secret.Metadata.Annotations?.TryGetValue(SecretLabels.TokenId, out var id) == true ? id : null;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task EnsureDeploymentAsync() => await world.ApplyAsync("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: crash-app
        spec:
          selector:
            matchLabels: {app: crash-app}
          template:
            metadata:
              labels: {app: crash-app}
            spec:
              containers:
                - name: app
                  image: example/app:1
        """);
}
