using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Sandbox.World;

namespace ServiceTokenOperator.IntegrationTests.Controllers;

/// <summary>The orphan sweep against the PlanetScale simulator, with a vendor account shared by two clusters.</summary>
public sealed class OrphanSweepTests
{
    private static readonly TimeSpan SafetyWindow = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Sweep_TwoClustersShareOneAccount_RevokesOnlyThisClustersUnreferencedTokensOnceOldEnough()
    {
        await using var world = await TunedOperatorWorld.StartAsync(o =>
        {
            o.ClusterId = "clustera";
            o.OrphanSweepInterval = TimeSpan.FromSeconds(1);
            o.OrphanSafetyWindow = SafetyWindow;
        });
        await world.ApplyAsync("""
            apiVersion: servicetoken.dev/v1alpha1
            kind: ServiceToken
            metadata:
              name: kept
            spec:
              issuerRef:
                kind: ClusterTokenIssuer
                name: sandbox-planetscale
            """);
        var kept = await Eventually.ValueAsync(() => world.GetTokenAsync("default", "kept"), t => t?.Status?.TokenId is not null, "kept to be issued");

        // A crash between creating a token and writing its Secret leaves one like this; the other cluster owns the second.
        var ghost = await world.CreatePlanetScaleTokenAsync("st-clustera-default-ghost-r1");
        var foreign = await world.CreatePlanetScaleTokenAsync("st-clusterb-default-kept-r1");
        var person = await world.CreatePlanetScaleTokenAsync("ci-by-hand");

        var revoked = await Eventually.ValueAsync(
            () => Task.FromResult(world.World.PlanetScale.Tokens().Single(t => t.Id == ghost)), t => !t.Live, "the orphan to be swept", seconds: 60);
        // The simulator's own timestamps: the token was never revoked inside its safety window.
        Assert.True(revoked.RevokedAt - revoked.CreatedAt >= SafetyWindow, $"revoked {revoked.RevokedAt - revoked.CreatedAt} after creation");

        // More sweeps run after the foreign token outgrew the window: it, the person's and the referenced one stay live.
        var foreignCreated = world.World.PlanetScale.Tokens().Single(t => t.Id == foreign).CreatedAt;
        await Eventually.ValueAsync(
            () => world.GetClusterIssuerAsync(SandboxWorld.PlanetScaleIssuer),
            i => i?.Status?.LastOrphanSweep is { } last && new DateTimeOffset(last, TimeSpan.Zero) > foreignCreated + SafetyWindow + TimeSpan.FromSeconds(1),
            "two sweeps after the foreign token outgrew the window", seconds: 60);
        var tokens = world.World.PlanetScale.Tokens();
        Assert.True(tokens.Single(t => t.Id == foreign).Live);
        Assert.True(tokens.Single(t => t.Id == person).Live);
        Assert.True(tokens.Single(t => t.Id == kept!.Status!.TokenId).Live);

        var issuer = await world.GetClusterIssuerAsync(SandboxWorld.PlanetScaleIssuer);
        Assert.Equal(1, issuer!.Status!.OrphansRevoked);
        Assert.True(Conditions.IsTrue(issuer.Status.Conditions, ConditionTypes.Ready));
    }

    [Fact]
    public async Task Sweep_OtherClusterRunsItsOwnSweep_LeavesThisClustersTokens()
    {
        // The other side of the shared account: this operator is cluster b, and cluster a's tokens are never its to revoke.
        await using var world = await TunedOperatorWorld.StartAsync(o =>
        {
            o.ClusterId = "clusterb";
            o.OrphanSweepInterval = TimeSpan.FromSeconds(1);
            o.OrphanSafetyWindow = TimeSpan.FromSeconds(1);
        });
        var clusterA = await world.CreatePlanetScaleTokenAsync("st-clustera-default-kept-r1");
        var mine = await world.CreatePlanetScaleTokenAsync("st-clusterb-default-ghost-r1");

        await Eventually.ValueAsync(
            () => Task.FromResult(world.World.PlanetScale.Tokens().Single(t => t.Id == mine)), t => !t.Live, "cluster b's orphan to be swept", seconds: 60);
        var createdA = world.World.PlanetScale.Tokens().Single(t => t.Id == clusterA).CreatedAt;
        await Eventually.ValueAsync(
            () => world.GetClusterIssuerAsync(SandboxWorld.PlanetScaleIssuer),
            i => i?.Status?.LastOrphanSweep is { } last && new DateTimeOffset(last, TimeSpan.Zero) > createdA + TimeSpan.FromSeconds(3),
            "sweeps after cluster a's token outgrew the window", seconds: 60);
        Assert.True(world.World.PlanetScale.Tokens().Single(t => t.Id == clusterA).Live);
    }
}
