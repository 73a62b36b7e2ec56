using System.Text;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;

namespace ServiceTokenOperator.IntegrationTests.Shipping;

/// <summary>
/// The whole lifecycle with RBAC enforced and only the chart's permissions: a 403 here means the chart lacks a rule
/// the operator needs (fix the chart), and the recorded denial names it.
/// </summary>
public sealed class ChartRbacLifecycleTests(ChartRbacWorld world) : IClassFixture<ChartRbacWorld>
{
    [Fact]
    public async Task ServiceToken_WithOnlyChartRbac_IssuedReadyThenDeletedAndRevoked()
    {
        await world.ApplyAsync("""
            apiVersion: servicetoken.dev/v1alpha1
            kind: ServiceToken
            metadata:
              name: rbac-cluster
            spec:
              issuerRef: {kind: ClusterTokenIssuer, name: sandbox-planetscale}
              planetscale:
                accesses:
                  - database: payments
                    permissions: [read_branch]
              secret: {name: rbac-cluster-secret}
            """, "default");

        var ready = await ReadyAsync("default", "rbac-cluster");
        var secret = await world.Admin.CoreV1.ReadNamespacedSecretAsync("rbac-cluster-secret", "default");
        Assert.Equal(ready.Status!.TokenId, Encoding.UTF8.GetString(secret.Data["PLANETSCALE_SERVICE_TOKEN_ID"]));
        Assert.True(world.World.PlanetScale.Tokens().Single(t => t.Id == ready.Status.TokenId).Live);
        var lease = await world.Admin.CoordinationV1.ReadNamespacedLeaseAsync("servicetoken-operator", HelmChart.Namespace);
        Assert.Equal("rbac-test", lease.Spec.HolderIdentity);

        await world.Admin.CustomObjects.DeleteNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.VersionName, "default", ServiceToken.Plural, "rbac-cluster");
        await Eventually.ValueAsync(() => GetAsync("default", "rbac-cluster"), t => t is null, "the ServiceToken to go");
        Assert.False(world.World.PlanetScale.Tokens().Single(t => t.Id == ready.Status.TokenId).Live);
        AssertNoDenials();
    }

    [Fact]
    public async Task NamespacedTokenIssuer_WithOnlyChartRbac_IssuesIntoTheTeamNamespace()
    {
        await world.ApplyAsync($$"""
            apiVersion: v1
            kind: Namespace
            metadata: {name: team-rbac}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: upsun-admin, namespace: team-rbac}
            stringData:
              UPSUN_CLI_TOKEN: "{{world.World.Upsun.AdminApiToken}}"
            ---
            apiVersion: servicetoken.dev/v1alpha1
            kind: TokenIssuer
            metadata: {name: upsun, namespace: team-rbac}
            spec:
              upsun:
                apiUrl: "{{world.World.Upsun.ApiUrl.ToString().TrimEnd('/')}}"
                authUrl: "{{world.World.Upsun.AuthUrl.ToString().TrimEnd('/')}}"
              credentialsSecretRef: {name: upsun-admin}
            ---
            apiVersion: servicetoken.dev/v1alpha1
            kind: ServiceToken
            metadata: {name: rbac-team, namespace: team-rbac}
            spec:
              issuerRef: {kind: TokenIssuer, name: upsun}
            """, "team-rbac");

        var ready = await ReadyAsync("team-rbac", "rbac-team");
        var secret = await world.Admin.CoreV1.ReadNamespacedSecretAsync("rbac-team", "team-rbac");
        Assert.False(string.IsNullOrEmpty(Encoding.UTF8.GetString(secret.Data["UPSUN_CLI_TOKEN"])));
        Assert.True(world.World.Upsun.Tokens().Single(t => t.Id == ready.Status!.TokenId).Live);
        AssertNoDenials();
    }

    private void AssertNoDenials()
    {
        Assert.True(world.Authorizer.AllowedFor(world.OperatorUser) > 0, "the operator did not call the API as the chart's ServiceAccount");
        var denials = world.Authorizer.Denials.Where(d => d.StartsWith(world.OperatorUser, StringComparison.Ordinal)).ToList();
        Assert.True(denials.Count == 0, "the chart's RBAC denied the operator:\n" + string.Join('\n', denials));
    }

    private Task<ServiceToken> ReadyAsync(string @namespace, string name) =>
        Eventually.ValueAsync(
            async () => (await GetAsync(@namespace, name))!,
            t => t is not null && Conditions.Find(t.Status?.Conditions, ConditionTypes.Ready)?.Status == "True",
            $"ServiceToken {@namespace}/{name} to be Ready (operator denials: {string.Join("; ", world.Authorizer.Denials)})",
            seconds: 60);

    private async Task<ServiceToken?> GetAsync(string @namespace, string name)
    {
        try
        {
            var element = await world.Admin.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(ApiGroup.Group, ApiGroup.VersionName, @namespace, ServiceToken.Plural, name);
            return JsonSerializer.Deserialize<ServiceToken>(element.GetRawText());
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
