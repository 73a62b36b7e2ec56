using k8s;
using k8s.Autorest;
using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;

namespace ServiceTokenOperator.IntegrationTests.Controllers;

/// <summary>Namespace deletion cannot strand live tokens: the issuer and its credential Secret outlive the ServiceTokens that need them.</summary>
public sealed class IssuerFinalizerTests
{
    private static string Namespace(TunedOperatorWorld world, string ns) => $"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: {ns}
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: ps-credentials
          namespace: {ns}
        stringData:
          PLANETSCALE_SERVICE_TOKEN_ID: "{world.World.PlanetScale.AdminTokenId}"
          PLANETSCALE_SERVICE_TOKEN: "{world.World.PlanetScale.AdminToken}"
        ---
        {Issuer(world, ns, "ps")}
        ---
        apiVersion: servicetoken.dev/v1alpha1
        kind: ServiceToken
        metadata:
          name: app
          namespace: {ns}
        spec:
          issuerRef:
            name: ps
        """;

    /// <summary>A PlanetScale TokenIssuer of the sandbox organisation, reading the namespace's ps-credentials.</summary>
    private static string Issuer(TunedOperatorWorld world, string ns, string name) => $"""
        apiVersion: servicetoken.dev/v1alpha1
        kind: TokenIssuer
        metadata:
          name: {name}
          namespace: {ns}
        spec:
          planetscale:
            organization: "{world.World.PlanetScale.Organization}"
            apiUrl: "{world.World.PlanetScale.BaseUri.ToString().TrimEnd('/')}"
          credentialsSecretRef:
            name: ps-credentials
        """;

    [Fact]
    public async Task NamespaceDeleted_WithIssuerCredentialAndToken_RevokesTheTokenThenEverythingGoes()
    {
        await using var world = await TunedOperatorWorld.StartAsync(_ => { });
        await world.ApplyAsync(Namespace(world, "team-x"), null);
        var token = await Eventually.ValueAsync(() => world.GetTokenAsync("team-x", "app"), t => t?.Status?.TokenId is not null, "app to be issued");
        var tokenId = token!.Status!.TokenId!;
        await Eventually.ValueAsync(() => world.GetTokenIssuerAsync("team-x", "ps"), i => i?.Metadata.Finalizers?.Contains(IssuerUsageReconciler.Finalizer) == true, "the issuer's in-use finalizer");
        await Eventually.ValueAsync(() => SecretFinalizersAsync(world, "team-x"), f => f?.Contains(IssuerUsageReconciler.Finalizer) == true, "the credential's in-use finalizer");

        await world.Client.CoreV1.DeleteNamespaceAsync("team-x");

        await Eventually.ValueAsync(
            () => Task.FromResult(world.World.PlanetScale.Tokens().Single(t => t.Id == tokenId).Live), live => !live, "the vendor token to be revoked", seconds: 30);
        await Eventually.ValueAsync(() => NamespaceExistsAsync(world, "team-x"), exists => !exists, "the namespace to go", seconds: 30);
        Assert.Null(await world.GetTokenIssuerAsync("team-x", "ps"));
    }

    [Fact]
    public async Task LastTokenDeleted_ReleasesIssuerAndCredentialFinalizers()
    {
        await using var world = await TunedOperatorWorld.StartAsync(_ => { });
        await world.ApplyAsync(Namespace(world, "team-y"), null);
        await Eventually.ValueAsync(() => world.GetTokenAsync("team-y", "app"), t => t?.Status?.TokenId is not null, "app to be issued");
        await Eventually.ValueAsync(() => SecretFinalizersAsync(world, "team-y"), f => f?.Contains(IssuerUsageReconciler.Finalizer) == true, "the credential's in-use finalizer");

        await world.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.VersionName, "team-y", ServiceToken.Plural, "app");

        await Eventually.ValueAsync(() => world.GetTokenIssuerAsync("team-y", "ps"), i => i?.Metadata.Finalizers?.Contains(IssuerUsageReconciler.Finalizer) == false, "the issuer's finalizer to go");
        await Eventually.ValueAsync(() => SecretFinalizersAsync(world, "team-y"), f => f?.Contains(IssuerUsageReconciler.Finalizer) == false, "the credential's finalizer to go");
        // Released means deletable at once.
        await world.Client.CoreV1.DeleteNamespacedSecretAsync("ps-credentials", "team-y");
        await Eventually.ValueAsync(() => SecretFinalizersAsync(world, "team-y"), f => f is null, "the credential Secret to go");
    }

    [Fact]
    public async Task IssuerRefChanged_OldIssuerHeldUntilTheOldTokenIsRevoked()
    {
        await using var world = await TunedOperatorWorld.StartAsync(_ => { });
        await world.ApplyAsync(Namespace(world, "team-z") + "\n---\n" + Issuer(world, "team-z", "ps-new"), null);
        var issued = await Eventually.ValueAsync(() => world.GetTokenAsync("team-z", "app"), t => t?.Status?.TokenId is not null, "app to be issued");
        var oldTokenId = issued!.Status!.TokenId!;
        await Eventually.ValueAsync(() => world.GetTokenIssuerAsync("team-z", "ps"), i => i?.Metadata.Finalizers?.Contains(IssuerUsageReconciler.Finalizer) == true, "the issuer's in-use finalizer");

        // Re-pointed: a token from ps-new, the old one revoked through ps once the grace period is over.
        await world.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"issuerRef":{"name":"ps-new"},"rotation":{"gracePeriod":"15s"}}}""", V1Patch.PatchType.MergePatch),
            ApiGroup.Group, ApiGroup.VersionName, "team-z", ServiceToken.Plural, "app");
        await Eventually.ValueAsync(
            () => world.GetTokenAsync("team-z", "app"),
            t => t?.Status?.Issuer == "TokenIssuer/team-z/ps-new" && t.Status.PendingRevocations?.Any(p => p.TokenId == oldTokenId) == true,
            "the new token recorded, the old one pending revocation");

        // The old issuer is still needed: deleting it waits for the revocation instead of stranding the old token.
        await world.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.VersionName, "team-z", TokenIssuer.Plural, "ps");
        var deleting = await world.GetTokenIssuerAsync("team-z", "ps");
        Assert.NotNull(deleting?.Metadata.DeletionTimestamp);
        Assert.True(world.World.PlanetScale.Tokens().Single(t => t.Id == oldTokenId).Live);

        await Eventually.ValueAsync(
            () => Task.FromResult(world.World.PlanetScale.Tokens().Single(t => t.Id == oldTokenId).Live), live => !live, "the old token to be revoked", seconds: 60);
        await Eventually.ValueAsync(() => world.GetTokenIssuerAsync("team-z", "ps"), i => i is null, "the old issuer to go once released", seconds: 30);
        Assert.Contains(IssuerUsageReconciler.Finalizer, (await world.GetTokenIssuerAsync("team-z", "ps-new"))!.Metadata.Finalizers ?? []);
    }

    private static async Task<IList<string>?> SecretFinalizersAsync(TunedOperatorWorld world, string ns)
    {
        try
        {
            var secret = await world.Client.CoreV1.ReadNamespacedSecretAsync("ps-credentials", ns);
            return secret.Metadata.Finalizers ?? [];
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static async Task<bool> NamespaceExistsAsync(TunedOperatorWorld world, string ns)
    {
        try
        {
            await world.Client.CoreV1.ReadNamespaceAsync(ns);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
