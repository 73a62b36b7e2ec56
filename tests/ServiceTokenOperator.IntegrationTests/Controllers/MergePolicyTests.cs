using System.Text;
using k8s;
using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.IntegrationTests.Controllers;

/// <summary>creationPolicy Merge, as External Secrets Operator defines it: write into someone else's Secret, take nothing else.</summary>
public sealed class MergePolicyTests(OperatorWorld world) : IClassFixture<OperatorWorld>
{
    private static string Token(string name, string secret) => TestManifests.ServiceToken(name, spec: $"""
          secret:
            name: {secret}
            creationPolicy: Merge
        """);

    [Fact]
    public async Task Merge_SecretMissing_WaitsNamingTheField_AndCallsNoVendor()
    {
        await world.ApplyAsync(Token("merge-missing", "not-there"));

        var token = await Eventually.ValueAsync(() => world.GetTokenAsync("default", "merge-missing"),
            t => Conditions.Find(t?.Status?.Conditions, ConditionTypes.Ready)?.Reason == Reasons.SecretMissing, "the missing Secret to be reported");

        Assert.StartsWith("spec.secret.name", Conditions.Find(token!.Status!.Conditions, ConditionTypes.Ready)!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(world.World.PlanetScale.Tokens(), t => t.Name?.Contains("-merge-missing-", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Merge_WritesOnlyItsKeys_KeepsTheOwnersData_AndTakesOnlyItsOwnOnDelete()
    {
        await world.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "shared", Labels = new Dictionary<string, string> { ["team"] = "payments" } },
            Data = new Dictionary<string, byte[]> { ["DATABASE_HOST"] = "db.internal"u8.ToArray() },
        }, "default");
        await world.ApplyAsync(Token("merger", "shared"));

        var ready = await Eventually.ValueAsync(() => world.GetTokenAsync("default", "merger"), t => t?.Status?.Revision == 1, "the merged token");
        var secret = await world.Client.CoreV1.ReadNamespacedSecretAsync("shared", "default");
        Assert.Equal("db.internal", Encoding.UTF8.GetString(secret.Data["DATABASE_HOST"]));
        Assert.Equal(ready!.Status!.TokenId, Encoding.UTF8.GetString(secret.Data["PLANETSCALE_SERVICE_TOKEN_ID"]));
        Assert.Equal("payments", secret.Metadata.Labels["team"]);
        Assert.Null(secret.Metadata.OwnerReferences);

        // The owner's keys are not ours to watch: changing them issues nothing; changing ours does.
        secret.Data["DATABASE_HOST"] = "db2.internal"u8.ToArray();
        secret = await world.Client.CoreV1.ReplaceNamespacedSecretAsync(secret, "shared", "default");
        secret.Data["PLANETSCALE_SERVICE_TOKEN"] = "tampered"u8.ToArray();
        await world.Client.CoreV1.ReplaceNamespacedSecretAsync(secret, "shared", "default");
        var reissued = await Eventually.ValueAsync(() => world.GetTokenAsync("default", "merger"), t => t?.Status?.Revision >= 2, "the tampered token to be replaced");
        Assert.Equal(2, reissued!.Status!.Revision);

        await world.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.VersionName, "default", ServiceToken.Plural, "merger");
        await Eventually.ValueAsync(() => world.GetTokenAsync("default", "merger"), t => t is null, "the ServiceToken to go");
        var left = await world.Client.CoreV1.ReadNamespacedSecretAsync("shared", "default");
        Assert.Equal(["DATABASE_HOST"], left.Data.Keys);
        Assert.Equal("db2.internal", Encoding.UTF8.GetString(left.Data["DATABASE_HOST"]));
        Assert.Equal("payments", left.Metadata.Labels["team"]);
        Assert.False(left.Metadata.Labels.ContainsKey(SecretLabels.ManagedBy));
        Assert.All(world.World.PlanetScale.Tokens().Where(t => t.Name?.Contains("-default-merger-r", StringComparison.Ordinal) == true), t => Assert.False(t.Live));
    }
}
