using System.Text.Json;
using k8s;
using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;

namespace ServiceTokenOperator.IntegrationTests.Hostile;

/// <summary>
/// Isolation (issue 10): a ClusterTokenIssuer's spec.conditions decide which namespaces may use it; a ServiceToken
/// elsewhere stalls naming spec.issuerRef and reaches no vendor. A TokenIssuer of another namespace cannot be named.
/// </summary>
public sealed class ClusterIssuerIsolationTests(OperatorWorld world) : IClassFixture<OperatorWorld>
{
    [Fact]
    public async Task NamespaceSelector_AllowsLabelledNamespace_StallsOthers_AndFollowsLabelChanges()
    {
        await ApplyIssuerAsync("iso-selector", """
              - namespaceSelector:
                  matchLabels:
                    team: payments
            """);
        await ApplyNamespaceAsync("iso-payments", "team: payments");
        await ApplyNamespaceAsync("iso-search", "team: search");
        var before = world.World.PlanetScale.Tokens().Count;

        await ApplyTokenAsync("iso-payments", "allowed", "iso-selector");
        await ApplyTokenAsync("iso-search", "denied", "iso-selector");

        var allowed = await ConditionAsync("iso-payments", "allowed", ConditionTypes.Ready, "True", null);
        var denied = await ConditionAsync("iso-search", "denied", ConditionTypes.Stalled, "True", Reasons.IssuerNotAllowed);
        Assert.StartsWith("spec.issuerRef: ClusterTokenIssuer \"iso-selector\"", Conditions.Find(denied.Status!.Conditions, ConditionTypes.Stalled)!.Message, StringComparison.Ordinal);
        Assert.Null(denied.Status.TokenId);
        Assert.Equal(before + 1, world.World.PlanetScale.Tokens().Count);
        Assert.DoesNotContain(world.World.PlanetScale.Tokens(), t => t.Name?.Contains("-iso-search-", StringComparison.Ordinal) == true);
        Assert.NotNull(allowed.Status!.TokenId);

        // Relabelling the namespace is enough: the Namespace informer wakes its ServiceTokens.
        await world.Client.CoreV1.PatchNamespaceAsync(new V1Patch("""{"metadata":{"labels":{"team":"payments"}}}""", V1Patch.PatchType.MergePatch), "iso-search");
        await ConditionAsync("iso-search", "denied", ConditionTypes.Ready, "True", null);
    }

    [Fact]
    public async Task NamespacesByName_OnlyThoseNamed_AndWideningTheIssuerReleasesAStalledToken()
    {
        await ApplyIssuerAsync("iso-names", """
              - namespaces: [iso-first]
            """);
        await ApplyNamespaceAsync("iso-first", "");
        await ApplyNamespaceAsync("iso-second", "");
        var before = world.World.PlanetScale.Tokens().Count;

        await ApplyTokenAsync("iso-first", "one", "iso-names");
        await ApplyTokenAsync("iso-second", "two", "iso-names");
        await ConditionAsync("iso-first", "one", ConditionTypes.Ready, "True", null);
        await ConditionAsync("iso-second", "two", ConditionTypes.Stalled, "True", Reasons.IssuerNotAllowed);
        Assert.Equal(before + 1, world.World.PlanetScale.Tokens().Count);

        // The platform team widens the issuer: the stalled token is issued without anyone touching it.
        await ApplyIssuerAsync("iso-names", """
              - namespaces: [iso-first]
              - namespaceRegexes: ["iso-sec.*"]
            """);
        await ConditionAsync("iso-second", "two", ConditionTypes.Ready, "True", null);
    }

    [Fact]
    public async Task IssuerWithoutConditions_ServesEveryNamespace()
    {
        await ApplyIssuerAsync("iso-open", null);
        await ApplyNamespaceAsync("iso-anywhere", "");
        await ApplyTokenAsync("iso-anywhere", "open", "iso-open");
        await ConditionAsync("iso-anywhere", "open", ConditionTypes.Ready, "True", null);
    }

    [Fact]
    public async Task IssuerRefWithANamespace_IsPrunedByTheSchema_SoATokenIssuerOfAnotherNamespaceCannotBeUsed()
    {
        await ApplyNamespaceAsync("iso-victim", "");
        await ApplyNamespaceAsync("iso-attacker", "");
        await world.ApplyAsync($"""
            apiVersion: v1
            kind: Secret
            metadata:
              name: victim-credentials
              namespace: iso-victim
            stringData:
              PLANETSCALE_SERVICE_TOKEN_ID: "{world.World.PlanetScale.AdminTokenId}"
              PLANETSCALE_SERVICE_TOKEN: "{world.World.PlanetScale.AdminToken}"
            ---
            apiVersion: servicetoken.dev/v1alpha1
            kind: TokenIssuer
            metadata:
              name: victim-issuer
              namespace: iso-victim
            spec:
              planetscale:
                organization: "{world.World.PlanetScale.Organization}"
                apiUrl: "{world.World.PlanetScale.BaseUri.ToString().TrimEnd('/')}"
              credentialsSecretRef:
                name: victim-credentials
            ---
            apiVersion: servicetoken.dev/v1alpha1
            kind: ServiceToken
            metadata:
              name: borrow
              namespace: iso-attacker
            spec:
              issuerRef:
                name: victim-issuer
                namespace: iso-victim
            """, null);
        var before = world.World.PlanetScale.Tokens().Count;

        var token = await ConditionAsync("iso-attacker", "borrow", ConditionTypes.Ready, "False", Reasons.IssuerNotFound);
        Assert.Contains("in namespace \"iso-attacker\"", Conditions.Find(token.Status!.Conditions, ConditionTypes.Ready)!.Message, StringComparison.Ordinal);
        var stored = await world.Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(ApiGroup.Group, ApiGroup.VersionName, "iso-attacker", ServiceToken.Plural, "borrow");
        Assert.False(stored.GetProperty("spec").GetProperty("issuerRef").TryGetProperty("namespace", out _), "the schema prunes issuerRef.namespace");
        Assert.Equal(before, world.World.PlanetScale.Tokens().Count);
    }

    private Task ApplyIssuerAsync(string name, string? conditions) => world.ApplyAsync($"""
        apiVersion: servicetoken.dev/v1alpha1
        kind: ClusterTokenIssuer
        metadata:
          name: {name}
        spec:
          planetscale:
            organization: "{world.World.PlanetScale.Organization}"
            apiUrl: "{world.World.PlanetScale.BaseUri.ToString().TrimEnd('/')}"
          credentialsSecretRef:
            name: sandbox-planetscale-credentials
        {(conditions is null ? "" : "  conditions:\n" + conditions)}
        """, null);

    private Task ApplyNamespaceAsync(string name, string labels) => world.ApplyAsync($"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: {name}
          labels: {(labels.Length == 0 ? "{}" : "{" + labels + "}")}
        """, null);

    private Task ApplyTokenAsync(string @namespace, string name, string issuer) => world.ApplyAsync($"""
        apiVersion: servicetoken.dev/v1alpha1
        kind: ServiceToken
        metadata:
          name: {name}
          namespace: {@namespace}
        spec:
          issuerRef:
            kind: ClusterTokenIssuer
            name: {issuer}
        """, @namespace);

    private async Task<ServiceToken> ConditionAsync(string @namespace, string name, string type, string status, string? reason) =>
        (await Eventually.ValueAsync(
            () => world.GetTokenAsync(@namespace, name),
            t => Conditions.Find(t?.Status?.Conditions, type) is { } c && c.Status == status && (reason is null || c.Reason == reason),
            $"ServiceToken {@namespace}/{name} {type}={status} {reason}"))!;
}
