using System.Text;
using System.Text.Json;
using k8s;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;

namespace ServiceTokenOperator.IntegrationTests.Controllers;

/// <summary>
/// A change of PlanetScale accesses is applied to the live token (same token, same revision, same Secret); a change
/// the token cannot follow (ttl) or a token the vendor no longer has gets a new revision.
/// </summary>
public sealed class GrantsInPlaceTests(OperatorWorld world) : IClassFixture<OperatorWorld>, IDisposable
{
    private readonly HttpClient _http = new();

    private static string Token(string name, string planetscale) => TestManifests.ServiceToken(name, spec: "  planetscale:\n" + planetscale);

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task ChangedAccesses_ReadyToken_SameTokenAndRevisionWithTheNewGrants()
    {
        await world.ApplyAsync(Token("grants", """
                accesses:
                  - database: payments
                    permissions: [read_branch, connect_branch]
            """));
        var before = await Ready("grants", t => t.Status?.Revision == 1);
        var secretBefore = await SecretValueAsync("grants");
        var tokensBefore = world.World.PlanetScale.Tokens().Count;

        await world.ApplyAsync(Token("grants", """
                accesses:
                  - database: payments
                    permissions: [read_branch]
                  - database: inventory
                    permissions: [read_branch]
            """));
        var after = await Ready("grants", t => t.Status?.ObservedGeneration == t.Metadata.Generation && ReadyReason(t) == Reasons.GrantsUpdated);

        Assert.Equal((before.Status!.TokenId, 1L), (after.Status!.TokenId, after.Status.Revision));
        Assert.Null(after.Status.PendingRevocations);
        Assert.Contains(before.Status.TokenId!, Conditions.Find(after.Status.Conditions, ConditionTypes.Ready)!.Message, StringComparison.Ordinal);
        Assert.Equal(TokenRequestHash.Of(after.Spec), after.Status.RequestHash);
        Assert.Equal(["inventory/read_branch", "payments/read_branch"], await VendorGrantsAsync(after.Status.TokenId!));
        Assert.Equal(secretBefore, await SecretValueAsync("grants"));
        // No token was created for the change.
        Assert.Equal(tokensBefore, world.World.PlanetScale.Tokens().Count);
        Assert.True(world.World.PlanetScale.Tokens().Single(t => t.Id == after.Status.TokenId).Live);
    }

    [Fact]
    public async Task ChangedTtl_ReadyToken_IssuesANewRevision()
    {
        await world.ApplyAsync(Token("ttl", """
                ttl: 2400h
                accesses:
                  - database: payments
                    permissions: [read_branch]
            """));
        var before = await Ready("ttl", t => t.Status?.Revision == 1);
        var secretBefore = await SecretValueAsync("ttl");

        await world.ApplyAsync(Token("ttl", """
                ttl: 720h
                accesses:
                  - database: payments
                    permissions: [read_branch, connect_branch]
            """));
        var after = await Ready("ttl", t => t.Status?.Revision == 2);

        Assert.NotEqual(before.Status!.TokenId, after.Status!.TokenId);
        Assert.Equal(Reasons.Rotated, ReadyReason(after));
        Assert.Contains(after.Status.PendingRevocations!, p => p.TokenId == before.Status.TokenId);
        // The new token carries the new grants from the start; the old one is left as it was until revoked.
        Assert.Equal(["payments/connect_branch", "payments/read_branch"], await VendorGrantsAsync(after.Status.TokenId!));
        Assert.Equal(["payments/read_branch"], await VendorGrantsAsync(before.Status.TokenId!));
        Assert.NotEqual(secretBefore, await SecretValueAsync("ttl"));
        Assert.Equal(after.Status.TokenId, await SecretTokenIdAsync("ttl"));
    }

    [Fact]
    public async Task ChangedAccesses_TokenDeletedAtTheVendor_IssuesANewRevision()
    {
        await world.ApplyAsync(Token("gone", """
                accesses:
                  - database: payments
                    permissions: [read_branch]
            """));
        var before = await Ready("gone", t => t.Status?.Revision == 1);
        await AdminAsync(HttpMethod.Delete, before.Status!.TokenId!);

        await world.ApplyAsync(Token("gone", """
                accesses:
                  - database: inventory
                    permissions: [read_branch]
            """));
        var after = await Ready("gone", t => t.Status?.Revision == 2);

        Assert.NotEqual(before.Status.TokenId, after.Status!.TokenId);
        Assert.Equal(["inventory/read_branch"], await VendorGrantsAsync(after.Status.TokenId!));
        Assert.Equal(after.Status.TokenId, await SecretTokenIdAsync("gone"));
    }

    private static string? ReadyReason(ServiceToken token) => Conditions.Find(token.Status?.Conditions, ConditionTypes.Ready)?.Reason;

    private async Task<ServiceToken> Ready(string name, Func<ServiceToken, bool> also) =>
        (await Eventually.ValueAsync(
            () => world.GetTokenAsync("default", name),
            t => t is not null && Conditions.Find(t.Status?.Conditions, ConditionTypes.Ready)?.Status == "True" && also(t),
            $"ServiceToken {name} Ready"))!;

    private async Task<string> SecretValueAsync(string name) =>
        Encoding.UTF8.GetString((await world.Client.CoreV1.ReadNamespacedSecretAsync(name, "default")).Data["PLANETSCALE_SERVICE_TOKEN"]);

    private async Task<string> SecretTokenIdAsync(string name) =>
        Encoding.UTF8.GetString((await world.Client.CoreV1.ReadNamespacedSecretAsync(name, "default")).Data["PLANETSCALE_SERVICE_TOKEN_ID"]);

    /// <summary>The token's grants as PlanetScale's show-access call answers them, "database/access" in order.</summary>
    private async Task<List<string>> VendorGrantsAsync(string tokenId)
    {
        var list = await AdminAsync(HttpMethod.Get, $"{tokenId}/access");
        return list.GetProperty("data").EnumerateArray()
            .Select(a => $"{a.GetProperty("resource_name").GetString()}/{a.GetProperty("access").GetString()}")
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private async Task<JsonElement> AdminAsync(HttpMethod method, string path)
    {
        var sim = world.World.PlanetScale;
        using var request = new HttpRequestMessage(method, new Uri(sim.BaseUri, $"/v1/organizations/{sim.Organization}/service-tokens/{path}"));
        request.Headers.TryAddWithoutValidation("Authorization", $"{sim.AdminTokenId}:{sim.AdminToken}");
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
