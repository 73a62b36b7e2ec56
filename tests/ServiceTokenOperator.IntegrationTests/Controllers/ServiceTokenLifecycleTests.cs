using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Sandbox.World;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.IntegrationTests.Controllers;

/// <summary>The walking skeleton end to end: the real operator host against the sandbox over sockets.</summary>
public sealed class ServiceTokenLifecycleTests(OperatorWorld world) : IClassFixture<OperatorWorld>
{
    private static string Token(string name, string issuer = SandboxWorld.PlanetScaleIssuer, string extra = "") => TestManifests.ServiceToken(name, issuer, extra);

    [Fact]
    public async Task ServiceToken_IssuedThenDeleted_SecretHoldsLiveTokenThenTokenRevokedAndSecretGone()
    {
        await world.ApplyAsync(Token("lifecycle", extra: """
              planetscale:
                accesses:
                  - database: payments
                    permissions: [read_branch, connect_branch]
              secret:
                name: lifecycle-secret
            """));

        var ready = await Ready("lifecycle");
        Assert.Equal(1, ready.Status!.Revision);
        Assert.Equal("lifecycle-secret", ready.Status.SecretName);
        Assert.NotNull(ready.Status.NextRotationAt);
        Assert.NotNull(ready.Status.SecretMac);
        Assert.Contains(SecretLabels.Finalizer, ready.Metadata.Finalizers!);

        var secret = await world.Client.CoreV1.ReadNamespacedSecretAsync("lifecycle-secret", "default");
        Assert.Equal(ready.Status.TokenId, Encoding.UTF8.GetString(secret.Data["PLANETSCALE_SERVICE_TOKEN_ID"]));
        Assert.StartsWith("pscale_tkn_", Encoding.UTF8.GetString(secret.Data["PLANETSCALE_SERVICE_TOKEN"]), StringComparison.Ordinal);
        Assert.Equal(world.World.PlanetScale.Organization, Encoding.UTF8.GetString(secret.Data["PLANETSCALE_ORG"]));
        Assert.Equal(ready.Status.TokenId, secret.Metadata.Annotations[SecretLabels.TokenId]);
        Assert.Equal("1", secret.Metadata.Annotations[SecretLabels.Revision]);
        Assert.Equal(SecretLabels.ManagedByValue, secret.Metadata.Labels[SecretLabels.ManagedBy]);
        var owner = Assert.Single(secret.Metadata.OwnerReferences);
        Assert.Equal(ready.Metadata.Uid, owner.Uid);

        var vendorToken = Assert.Single(world.World.PlanetScale.Tokens(), t => t.Id == ready.Status.TokenId);
        Assert.True(vendorToken.Live);
        Assert.Contains("-default-lifecycle-r1", vendorToken.Name, StringComparison.Ordinal);

        await world.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.VersionName, "default", ServiceToken.Plural, "lifecycle");
        await Eventually.ValueAsync(() => world.GetTokenAsync("default", "lifecycle"), t => t is null, "the ServiceToken to go");
        Assert.False(world.World.PlanetScale.Tokens().Single(t => t.Id == ready.Status.TokenId).Live);
        await Eventually.ValueAsync(() => SecretExistsAsync("lifecycle-secret"), exists => !exists, "the Secret to be garbage collected");
    }

    [Theory]
    [InlineData("sandbox-upsun", "UPSUN_CLI_TOKEN")]
    [InlineData("sandbox-platformsh", "PLATFORMSH_CLI_TOKEN")]
    [InlineData("sandbox-akka", "AKKA_TOKEN")]
    public async Task EveryVendor_IssuesIntoItsDocumentedKey_AndRevokesOnDelete(string issuer, string key)
    {
        var name = issuer.Replace("sandbox-", "v-", StringComparison.Ordinal);
        await world.ApplyAsync(Token(name, issuer));
        var ready = await Ready(name);
        var secret = await world.Client.CoreV1.ReadNamespacedSecretAsync(name, "default");
        Assert.False(string.IsNullOrEmpty(Encoding.UTF8.GetString(secret.Data[key])));
        var simulatorTokens = issuer switch
        {
            "sandbox-upsun" => world.World.Upsun.Tokens,
            "sandbox-platformsh" => world.World.Platformsh.Tokens,
            _ => (Func<IReadOnlyList<ServiceTokenOperator.Sandbox.Vendors.SandboxTokenRecord>>)world.World.Akka.Tokens,
        };
        Assert.True(simulatorTokens().Single(t => t.Id == ready.Status!.TokenId).Live);

        await world.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.VersionName, "default", ServiceToken.Plural, name);
        await Eventually.ValueAsync(() => world.GetTokenAsync("default", name), t => t is null, $"{name} to go");
        Assert.False(simulatorTokens().Single(t => t.Id == ready.Status!.TokenId).Live);
    }

    [Fact]
    public async Task RestartedOperator_IssuesNothingNew()
    {
        await world.ApplyAsync(Token("restart"));
        var before = await Ready("restart");
        var tokensBefore = world.World.PlanetScale.Tokens().Count;

        await world.StopOperatorAsync();
        await world.StartOperatorAsync();
        // The new operator reconciles every token once it has synced: once it has done that many, nothing came of it.
        var tokens = (await world.Client.CustomObjects.ListClusterCustomObjectAsync<System.Text.Json.JsonElement>(ApiGroup.Group, ApiGroup.VersionName, ServiceToken.Plural))
            .GetProperty("items").GetArrayLength();
        await Eventually.TrueAsync(async () => await world.ServiceTokenReconcilesAsync() >= tokens, "the new operator to reconcile every token");

        var after = await world.GetTokenAsync("default", "restart");
        Assert.Equal(before.Status!.TokenId, after!.Status!.TokenId);
        Assert.Equal(before.Status.Revision, after.Status.Revision);
        Assert.Equal(tokensBefore, world.World.PlanetScale.Tokens().Count);
    }

    [Fact]
    public async Task UnknownIssuer_ReportsIssuerNotFound_AndCallsNoVendor()
    {
        await world.ApplyAsync(Token("no-issuer", issuer: "does-not-exist"));
        var token = await Condition("no-issuer", ConditionTypes.Ready, "False", Reasons.IssuerNotFound);
        Assert.Contains("spec.issuerRef", Conditions.Find(token.Status!.Conditions, ConditionTypes.Ready)!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(AllVendorTokenNames(), n => n.Contains("-no-issuer-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VendorBlockOfAnotherVendor_StallsNamingTheField()
    {
        await world.ApplyAsync(Token("mismatch", extra: """
              akka:
                scopes: [execution]
            """));
        var token = await Condition("mismatch", ConditionTypes.Stalled, "True", Reasons.VendorMismatch);
        Assert.StartsWith("spec.akka", Conditions.Find(token.Status!.Conditions, ConditionTypes.Stalled)!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(AllVendorTokenNames(), n => n.Contains("-mismatch-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SecretNameOfAnUnmanagedSecret_StallsAndLeavesItAlone()
    {
        await world.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "someone-elses" },
            StringData = new Dictionary<string, string> { ["mine"] = "keep" },
        }, "default");
        await world.ApplyAsync(Token("taken", extra: """
              secret:
                name: someone-elses
            """));

        await Condition("taken", ConditionTypes.Stalled, "True", Reasons.SecretNotOwned);
        var secret = await world.Client.CoreV1.ReadNamespacedSecretAsync("someone-elses", "default");
        Assert.Equal("keep", Encoding.UTF8.GetString(secret.Data["mine"]));
        Assert.Single(secret.Data);
        Assert.DoesNotContain(AllVendorTokenNames(), n => n.Contains("-taken-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnmanagedSecretDeleted_StalledTokenIssuesIntoTheFreedName()
    {
        await world.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "freed-later" } }, "default");
        await world.ApplyAsync(Token("waits-for-name", extra: """
              secret:
                name: freed-later
            """));
        await Condition("waits-for-name", ConditionTypes.Stalled, "True", Reasons.SecretNotOwned);

        await world.Client.CoreV1.DeleteNamespacedSecretAsync("freed-later", "default");
        var ready = await Ready("waits-for-name");
        var secret = await world.Client.CoreV1.ReadNamespacedSecretAsync("freed-later", "default");
        Assert.Equal(ready.Status!.TokenId, secret.Metadata.Annotations[SecretLabels.TokenId]);
    }

    [Fact]
    public async Task IssuerWithRejectedCredential_IsNotReady_AndItsTokensWait()
    {
        await world.ApplyAsync($"""
            apiVersion: v1
            kind: Secret
            metadata:
              name: wrong-credentials
            stringData:
              PLANETSCALE_SERVICE_TOKEN_ID: "nope"
              PLANETSCALE_SERVICE_TOKEN: "wrong"
            ---
            apiVersion: servicetoken.dev/v1alpha1
            kind: TokenIssuer
            metadata:
              name: rejected
            spec:
              planetscale:
                organization: "{world.World.PlanetScale.Organization}"
                apiUrl: "{world.World.PlanetScale.BaseUri.ToString().TrimEnd('/')}"
              credentialsSecretRef:
                name: wrong-credentials
            ---
            apiVersion: servicetoken.dev/v1alpha1
            kind: ServiceToken
            metadata:
              name: waits
            spec:
              issuerRef:
                name: rejected
            """);

        var issuer = await IssuerCondition("rejected", Reasons.CredentialRejected);
        Assert.Equal("False", issuer.Status);
        await Condition("waits", ConditionTypes.Ready, "False", Reasons.IssuerNotReady);
    }

    [Theory]
    [InlineData("missing-secret", "", Reasons.CredentialsSecretMissing, "spec.credentialsSecretRef.name")]
    [InlineData("missing-key", "PLANETSCALE_SERVICE_TOKEN_ID: \"x\"", Reasons.CredentialsInvalid, "PLANETSCALE_SERVICE_TOKEN")]
    public async Task IssuerWithBrokenCredentialSecret_NamesTheProblem(string name, string keys, string reason, string named)
    {
        var secret = keys.Length == 0 ? "" : $"""
            apiVersion: v1
            kind: Secret
            metadata:
              name: {name}-credentials
            stringData:
              {keys}
            ---
            """;
        await world.ApplyAsync(secret + $"""

            apiVersion: servicetoken.dev/v1alpha1
            kind: TokenIssuer
            metadata:
              name: {name}
            spec:
              planetscale:
                organization: "{world.World.PlanetScale.Organization}"
                apiUrl: "{world.World.PlanetScale.BaseUri.ToString().TrimEnd('/')}"
              credentialsSecretRef:
                name: {name}-credentials
            """);
        var condition = await IssuerCondition(name, reason);
        Assert.Contains(named, condition.Message, StringComparison.Ordinal);
    }

    private IEnumerable<string> AllVendorTokenNames() =>
        world.World.PlanetScale.Tokens().Concat(world.World.Akka.Tokens()).Concat(world.World.Upsun.Tokens()).Concat(world.World.Platformsh.Tokens())
            .Select(t => t.Name ?? "");

    private Task<ServiceToken> Ready(string name) => Condition(name, ConditionTypes.Ready, "True", null);

    private async Task<ServiceToken> Condition(string name, string type, string status, string? reason) =>
        (await Eventually.ValueAsync(
            () => world.GetTokenAsync("default", name),
            t => Conditions.Find(t?.Status?.Conditions, type) is { } c && c.Status == status && (reason is null || c.Reason == reason),
            $"ServiceToken {name} {type}={status} {reason}"))!;

    private async Task<V1Condition> IssuerCondition(string name, string reason)
    {
        var issuer = await Eventually.ValueAsync(
            async () =>
            {
                var element = await world.Client.CustomObjects.GetNamespacedCustomObjectAsync<System.Text.Json.JsonElement>(ApiGroup.Group, ApiGroup.VersionName, "default", TokenIssuer.Plural, name);
                return System.Text.Json.JsonSerializer.Deserialize<TokenIssuer>(element.GetRawText())!;
            },
            i => Conditions.Find(i.Status?.Conditions, ConditionTypes.Ready)?.Reason == reason,
            $"TokenIssuer {name} Ready reason {reason}");
        return Conditions.Find(issuer.Status!.Conditions, ConditionTypes.Ready)!;
    }

    private async Task<bool> SecretExistsAsync(string name)
    {
        try
        {
            await world.Client.CoreV1.ReadNamespacedSecretAsync(name, "default");
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
