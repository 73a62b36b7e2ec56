using ServiceTokenOperator.Controllers;

namespace ServiceTokenOperator.IntegrationTests.Controllers;

/// <summary>
/// Reads of Secrets outside the caches, counted at the sandbox API. A world of its own: another test's issuer checks
/// (credential Secret GETs) must not run while these count.
/// </summary>
public sealed class SecretReadTests(OperatorWorld world) : IClassFixture<OperatorWorld>
{
    private static string Token(string name) => TestManifests.ServiceToken(name);

    [Fact]
    public async Task FirstIssuance_ReadsNoSecretFromTheApi()
    {
        // The first token of an issuer loads its credential Secret once; the ones after it must read nothing.
        await world.ApplyAsync(Token("warm-up"));
        await ReadyAsync("warm-up");

        // Secrets not labelled as ours are known from a metadata-only watch, so checking the name costs no GET.
        var before = SecretGets();
        await world.ApplyAsync(Token("no-reads"));
        await ReadyAsync("no-reads");
        Assert.Equal(before, SecretGets());
    }

    private long SecretGets() => world.World.Kube.Stats.ByVerbAndResource().GetValueOrDefault("get secrets");

    private async Task ReadyAsync(string name) =>
        await Eventually.ValueAsync(
            () => world.GetTokenAsync("default", name),
            t => Conditions.Find(t?.Status?.Conditions, ConditionTypes.Ready)?.Status == "True",
            $"ServiceToken {name} Ready");
}
