using System.Text.Json;
using k8s;
using k8s.Autorest;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Sandbox.Vendors;
using ServiceTokenOperator.Sandbox.World;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.IntegrationTests.Reliability;

/// <summary>
/// design.md §3's invariants read from both sides at once: per sandbox issuer, the live vendor tokens that carry this
/// cluster's name prefix, and the token ids the Secrets of that issuer's ServiceTokens hold.
/// </summary>
internal static class VendorLedger
{
    public static IReadOnlyList<string> Issuers => [SandboxWorld.PlanetScaleIssuer, SandboxWorld.UpsunIssuer, SandboxWorld.PlatformshIssuer, SandboxWorld.AkkaIssuer];

    public static IReadOnlyList<SandboxTokenRecord> TokensOf(SandboxWorld world, string issuer) => issuer switch
    {
        SandboxWorld.PlanetScaleIssuer => world.PlanetScale.Tokens(),
        SandboxWorld.UpsunIssuer => world.Upsun.Tokens(),
        SandboxWorld.PlatformshIssuer => world.Platformsh.Tokens(),
        SandboxWorld.AkkaIssuer => world.Akka.Tokens(),
        _ => throw new ArgumentOutOfRangeException(nameof(issuer), issuer, "not a sandbox issuer"),
    };

    /// <summary>Every token any simulator ever issued, by id.</summary>
    public static IReadOnlyDictionary<string, SandboxTokenRecord> AllTokens(SandboxWorld world) =>
        Issuers.SelectMany(i => TokensOf(world, i)).ToDictionary(t => t.Id, StringComparer.Ordinal);

    /// <summary>One look at both sides, per issuer; a ServiceToken whose Secret does not exist yet contributes nothing.</summary>
    public static async Task<LedgerLook> LookAsync(SandboxWorld world, IKubernetes client, string @namespace, string clusterPrefix)
    {
        var tokens = await ListTokensAsync(client, @namespace);
        var secrets = await client.CoreV1.ListNamespacedSecretAsync(@namespace, labelSelector: SecretLabels.ManagedBySelector);
        var secretIds = secrets.Items.ToDictionary(s => s.Metadata.Name, s => s.Metadata.Annotations?.TryGetValue(SecretLabels.TokenId, out var id) == true ? id : null, StringComparer.Ordinal);
        var perIssuer = new Dictionary<string, IssuerLook>(StringComparer.Ordinal);
        foreach (var issuer in Issuers)
        {
            var held = tokens.Where(t => t.Spec.IssuerRef.Name == issuer)
                .Select(t => secretIds.GetValueOrDefault(t.Spec.Secret?.Name ?? t.Metadata.Name))
                .OfType<string>().Order(StringComparer.Ordinal).ToList();
            var live = TokensOf(world, issuer).Where(t => t.Live && t.Name?.StartsWith(clusterPrefix, StringComparison.Ordinal) == true)
                .Select(t => t.Id).Order(StringComparer.Ordinal).ToList();
            perIssuer[issuer] = new IssuerLook(live, held);
        }

        var quiet = tokens.All(t => t.Status?.TokenId is not null && t.Status.PendingRevocations is not { Count: > 0 } && secretIds.GetValueOrDefault(t.Spec.Secret?.Name ?? t.Metadata.Name) == t.Status.TokenId);
        return new LedgerLook(perIssuer, tokens.Count, quiet);
    }

    public static async Task<List<ServiceToken>> ListTokensAsync(IKubernetes client, string @namespace)
    {
        var element = await client.CustomObjects.ListNamespacedCustomObjectAsync<JsonElement>(ApiGroup.Group, ApiGroup.VersionName, @namespace, ServiceToken.Plural);
        return element.GetProperty("items").EnumerateArray().Select(e => JsonSerializer.Deserialize<ServiceToken>(e.GetRawText())!).ToList();
    }

    /// <summary>The token id a Secret's annotation names, null when the Secret is absent or carries none.</summary>
    public static async Task<string?> SecretTokenIdAsync(IKubernetes client, string @namespace, string name)
    {
        try
        {
            var secret = await client.CoreV1.ReadNamespacedSecretAsync(name, @namespace);
            return secret.Metadata.Annotations?.TryGetValue(SecretLabels.TokenId, out var id) == true ? id : null;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
