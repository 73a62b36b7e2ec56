using System.Text.Json.Nodes;
using ServiceTokenOperator.Controllers;

namespace ServiceTokenOperator.IntegrationTests.Shipping;

/// <summary>deploy/argocd health.lua of ServiceToken, TokenIssuer and ClusterTokenIssuer under real Lua 5.1.</summary>
public sealed class ArgoCdHealthTests
{
    [Theory]
    [InlineData("ServiceToken", "servicetoken-no-status.json", "Progressing", "Waiting for the operator")]
    [InlineData("ServiceToken", "servicetoken-generation-not-observed.json", "Progressing", "generation 3")]
    [InlineData("ServiceToken", "servicetoken-ready.json", "Healthy", "revision 3 is current")]
    [InlineData("ServiceToken", "servicetoken-rotating.json", "Healthy", "rotating")]
    [InlineData("ServiceToken", "servicetoken-stalled.json", "Degraded", "spec.rotation.every")]
    [InlineData("ServiceToken", "servicetoken-secret-not-owned.json", "Degraded", "spec.secret.name")]
    [InlineData("ServiceToken", "servicetoken-vendor-unavailable.json", "Progressing", "VendorUnavailable")]
    [InlineData("TokenIssuer", "tokenissuer-ready.json", "Healthy", "CredentialValid")]
    [InlineData("TokenIssuer", "tokenissuer-credentials-invalid.json", "Degraded", "401")]
    [InlineData("ClusterTokenIssuer", "clustertokenissuer-ready.json", "Healthy", "CredentialValid")]
    [InlineData("ClusterTokenIssuer", "clustertokenissuer-no-status.json", "Progressing", "Waiting for the operator")]
    public async Task HealthLua_SampleObject_ReportsExpectedStatus(string kind, string fixture, string status, string message)
    {
        var health = await ArgoCdScripts.RunAsync(ArgoCdScripts.Customization(kind, "health.lua"), ArgoCdScripts.Fixture(fixture));

        Assert.Equal(status, (string?)health["status"]);
        Assert.Contains(message, (string?)health["message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Reasons.InvalidSpec, "Degraded")]
    [InlineData(Reasons.VendorMismatch, "Degraded")]
    [InlineData(Reasons.SecretNotOwned, "Degraded")]
    [InlineData(Reasons.CredentialsSecretMissing, "Degraded")]
    [InlineData(Reasons.CredentialsInvalid, "Degraded")]
    [InlineData(Reasons.CredentialRejected, "Degraded")]
    [InlineData(Reasons.PermissionDenied, "Degraded")]
    [InlineData(Reasons.RequestRejected, "Degraded")]
    [InlineData(Reasons.InvalidIssuer, "Degraded")]
    [InlineData(Reasons.IssuerNotFound, "Progressing")]
    [InlineData(Reasons.IssuerNotReady, "Progressing")]
    [InlineData(Reasons.VendorUnavailable, "Progressing")]
    [InlineData(Reasons.RateLimited, "Progressing")]
    [InlineData(Reasons.Deleting, "Progressing")]
    public async Task HealthLua_ReadyFalseWithOperatorReason_DegradedOnlyWhenAPersonMustAct(string reason, string status)
    {
        foreach (var kind in new[] { "ServiceToken", "TokenIssuer", "ClusterTokenIssuer" })
        {
            var obj = JsonNode.Parse(File.ReadAllText(ArgoCdScripts.Fixture("servicetoken-vendor-unavailable.json")))!.AsObject();
            obj["kind"] = kind;
            obj["status"]!["conditions"]![0]!["reason"] = reason;
            var file = ArgoCdScripts.WriteTemp(obj);
            try
            {
                var health = await ArgoCdScripts.RunAsync(ArgoCdScripts.Customization(kind, "health.lua"), file);
                Assert.Equal(status, (string?)health["status"]);
                Assert.StartsWith(reason, (string?)health["message"], StringComparison.Ordinal);
            }
            finally
            {
                File.Delete(file);
            }
        }
    }

    [Fact]
    public void HealthLua_OfTheThreeKinds_IsTheSameScript()
    {
        var serviceToken = File.ReadAllText(ArgoCdScripts.Customization("ServiceToken", "health.lua"));
        Assert.Equal(serviceToken, File.ReadAllText(ArgoCdScripts.Customization("TokenIssuer", "health.lua")));
        Assert.Equal(serviceToken, File.ReadAllText(ArgoCdScripts.Customization("ClusterTokenIssuer", "health.lua")));
    }
}
