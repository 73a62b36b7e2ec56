using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using k8s;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Sandbox.Vendors;
using ServiceTokenOperator.Sandbox.World;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.IntegrationTests.Hostile;

/// <summary>
/// Hostile and broken input (issue 10): every manifest under Hostile/Manifests is either refused by the API's schema
/// with a 422 naming the field, or reported by a condition whose message names the field. In every case the operator
/// keeps running, calls no vendor where none is warranted, and leaves the valid token already in the namespace alone.
/// The first line of each manifest says what to expect:
/// <c># expect: invalid FIELD</c>, <c># expect: condition TYPE=STATUS REASON FIELD</c> or <c># expect: ready</c>.
/// </summary>
public sealed class HostileManifestTests(OperatorWorld world) : IClassFixture<OperatorWorld>
{
    private const string Namespace = "hostile";
    private const string Sentinel = "sentinel";
    private const string SentinelSecret = "sentinel-secret";

    private static readonly HttpClient Http = new();

    public static TheoryData<string> Manifests => new(Directory.GetFiles(ManifestDirectory(), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Fact]
    public void Manifests_AreAtLeastThirty_AndEachSaysWhatToExpect()
    {
        var files = Directory.GetFiles(ManifestDirectory(), "*.yaml");
        Assert.True(files.Length >= 30, $"only {files.Length} hostile manifests");
        Assert.All(files, f => Assert.StartsWith("# expect: ", File.ReadAllText(f), StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public async Task HostileManifest_IsRefusedOrReportedNamingTheField_WithoutVendorCallsOrLoss(string file)
    {
        var sentinel = await EnsureSentinelAsync();
        var text = Substitute(await File.ReadAllTextAsync(Path.Combine(ManifestDirectory(), file)));
        var expect = text[..text.IndexOf('\n', StringComparison.Ordinal)]["# expect: ".Length..].Split(' ', 2);
        var tokensBefore = await VendorTokenCountAsync();

        switch (expect[0])
        {
            case "invalid":
                var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => world.ApplyAsync(text, Namespace));
                Assert.Contains(": 422 ", refused.Message, StringComparison.Ordinal);
                Assert.Contains(expect[1], refused.Message, StringComparison.Ordinal);
                break;
            case "condition":
                await world.ApplyAsync(text, Namespace);
                var parts = expect[1].Split(' ', 3);
                var (type, status) = (parts[0].Split('=')[0], parts[0].Split('=')[1]);
                var (tokenNamespace, tokenName) = LastServiceToken(text);
                var token = await Eventually.ValueAsync(
                    () => world.GetTokenAsync(tokenNamespace, tokenName),
                    t => Conditions.Find(t?.Status?.Conditions, type) is { } c && c.Status == status && c.Reason == parts[1],
                    $"{file}: ServiceToken {tokenName} {parts[0]} {parts[1]}");
                var message = Conditions.Find(token!.Status!.Conditions, type)!.Message;
                Assert.StartsWith(parts[2], message, StringComparison.Ordinal);
                Assert.Null(token.Status.TokenId);
                break;
            case "ready":
                await world.ApplyAsync(text, Namespace);
                var (readyNamespace, readyName) = LastServiceToken(text);
                var ready = await Eventually.ValueAsync(
                    () => world.GetTokenAsync(readyNamespace, readyName),
                    t => Conditions.IsTrue(t?.Status?.Conditions, ConditionTypes.Ready),
                    $"{file}: ServiceToken {readyName} Ready");
                var secret = await world.Client.CoreV1.ReadNamespacedSecretAsync(ready!.Status!.SecretName, readyNamespace);
                Assert.Equal(ready.Status.TokenId, secret.Metadata.Annotations[SecretLabels.TokenId]);
                break;
            default:
                Assert.Fail($"{file}: unknown expectation {expect[0]}");
                break;
        }

        // Exactly the warranted vendor calls: none, or the one token a valid manifest at the limits asks for.
        Assert.Equal(tokensBefore + (expect[0] == "ready" ? 1 : 0), await VendorTokenCountAsync());
        Assert.True(world.Host.Controllers.Alive, "the operator is still running");
        await AssertSentinelIntactAsync(sentinel);
    }

    /// <summary>A valid token in the namespace, issued once per world, that no hostile manifest may disturb.</summary>
    private async Task<(string TokenId, IDictionary<string, byte[]> Data)> EnsureSentinelAsync()
    {
        await world.ApplyAsync($"""
            apiVersion: v1
            kind: Namespace
            metadata:
              name: {Namespace}
            ---
            apiVersion: servicetoken.dev/v1alpha1
            kind: ServiceToken
            metadata:
              name: {Sentinel}
              namespace: {Namespace}
            spec:
              issuerRef:
                kind: ClusterTokenIssuer
                name: sandbox-planetscale
              secret:
                name: {SentinelSecret}
            """, Namespace);
        var token = await Eventually.ValueAsync(
            () => world.GetTokenAsync(Namespace, Sentinel),
            t => Conditions.IsTrue(t?.Status?.Conditions, ConditionTypes.Ready),
            "the sentinel ServiceToken to be Ready");
        var secret = await world.Client.CoreV1.ReadNamespacedSecretAsync(SentinelSecret, Namespace);
        return (token!.Status!.TokenId!, secret.Data);
    }

    private async Task AssertSentinelIntactAsync((string TokenId, IDictionary<string, byte[]> Data) before)
    {
        var token = await world.GetTokenAsync(Namespace, Sentinel);
        Assert.Equal(before.TokenId, token!.Status!.TokenId);
        Assert.True(Conditions.IsTrue(token.Status.Conditions, ConditionTypes.Ready));
        var secret = await world.Client.CoreV1.ReadNamespacedSecretAsync(SentinelSecret, Namespace);
        Assert.Equal(before.Data.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, Convert.ToBase64String(p.Value))),
            secret.Data.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, Convert.ToBase64String(p.Value))));
        Assert.Equal(Sentinel, secret.Metadata.Annotations[SecretLabels.ServiceToken]);
        var records = await Http.GetFromJsonAsync<List<SandboxTokenRecord>>(new Uri(world.World.PlanetScale.BaseUri, InspectionEndpoints.Prefix + "/tokens"));
        Assert.True(records!.Single(r => r.Id == before.TokenId).Live, "the sentinel's vendor token is still live");
    }

    /// <summary>Every token any simulator ever issued, counted through GET /_sandbox/tokens as an outside tool would.</summary>
    private async Task<int> VendorTokenCountAsync()
    {
        Uri[] inspect = [world.World.PlanetScale.BaseUri, world.World.Upsun.InspectUrl, world.World.Platformsh.InspectUrl, world.World.Akka.InspectUrl];
        var total = 0;
        foreach (var uri in inspect)
        {
            var records = await Http.GetFromJsonAsync<List<SandboxTokenRecord>>(new Uri(uri, InspectionEndpoints.Prefix + "/tokens"));
            total += records!.Count;
        }

        return total;
    }

    private string Substitute(string text) => text
        .Replace("${NS}", Namespace, StringComparison.Ordinal)
        .Replace("${PS_ORG}", world.World.PlanetScale.Organization, StringComparison.Ordinal)
        .Replace("${PS_URL}", world.World.PlanetScale.BaseUri.ToString().TrimEnd('/'), StringComparison.Ordinal)
        .Replace("${PS_ID}", world.World.PlanetScale.AdminTokenId, StringComparison.Ordinal)
        .Replace("${PS_TOKEN}", world.World.PlanetScale.AdminToken, StringComparison.Ordinal);

    private static (string Namespace, string Name) LastServiceToken(string yaml)
    {
        var document = ManifestApplier.ParseYaml(yaml).Last(d => (string?)d["kind"] == ServiceToken.KindName);
        return ((string?)document["metadata"]!["namespace"] ?? Namespace, (string)document["metadata"]!["name"]!);
    }

    /// <summary>The manifests next to this file: copied to the output when the project says so, else read from the source tree.</summary>
    private static string ManifestDirectory([CallerFilePath] string source = "")
    {
        var output = Path.Combine(AppContext.BaseDirectory, "Hostile", "Manifests");
        return Directory.Exists(output) ? output : Path.Combine(Path.GetDirectoryName(source)!, "Manifests");
    }
}
