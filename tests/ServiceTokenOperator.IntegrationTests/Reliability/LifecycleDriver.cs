using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.IntegrationTests.Controllers;
using ServiceTokenOperator.Sandbox.Vendors;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.IntegrationTests.Reliability;

/// <summary>
/// Drives one ServiceToken through issue, manual rotation and deletion against a <see cref="TunedOperatorWorld"/>,
/// checking design.md §3 on every look: the Secret never holds a revoked token, and once a step has converged the
/// vendor's only live token of this ServiceToken is the Secret's. The test's own API requests are counted, so that
/// the server's total minus them is what the operator sent.
/// </summary>
internal sealed class LifecycleDriver : IDisposable
{
    private readonly TunedOperatorWorld _world;
    private readonly CountingHandler _counter = new();
    private readonly Func<IReadOnlyList<SandboxTokenRecord>> _vendorTokens;
    private readonly string _issuer;

    public LifecycleDriver(TunedOperatorWorld world, string issuer, Func<IReadOnlyList<SandboxTokenRecord>> vendorTokens)
    {
        _world = world;
        _issuer = issuer;
        _vendorTokens = vendorTokens;
        Client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(world.World.KubeconfigPath), _counter);
    }

    public IKubernetes Client { get; }

    /// <summary>API requests the operator has sent so far (failed and watch requests included).</summary>
    public long OperatorRequests => _world.World.Kube.RequestCount - _counter.Count;

    public IReadOnlyList<SandboxTokenRecord> VendorTokensOf(string name) =>
        _vendorTokens().Where(t => t.Name?.Contains($"-default-{name}-r", StringComparison.Ordinal) == true).ToList();

    /// <summary>
    /// Waits until the operator has reconciled the issuer: past its start-up requests (cluster id, MAC key), which
    /// are not what these tests fault.
    /// </summary>
    public Task WaitOperatorRunningAsync() =>
        Eventually.ValueAsync(() => _world.GetClusterIssuerAsync(_issuer), i => Conditions.IsTrue(i?.Status?.Conditions, ConditionTypes.Ready), $"{_issuer} to be Ready", seconds: 30);

    public async Task CreateAsync(string name, int seconds = 30)
    {
        var body = new Dictionary<string, object>
        {
            ["apiVersion"] = ApiGroup.Version,
            ["kind"] = ServiceToken.KindName,
            ["metadata"] = new Dictionary<string, object> { ["name"] = name },
            ["spec"] = new Dictionary<string, object>
            {
                ["issuerRef"] = new Dictionary<string, object> { ["kind"] = "ClusterTokenIssuer", ["name"] = _issuer },
                ["rotation"] = new Dictionary<string, object> { ["every"] = "1h", ["gracePeriod"] = "1s" },
            },
        };
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(body, ApiGroup.Group, ApiGroup.VersionName, "default", ServiceToken.Plural);
        await WaitConvergedAsync(name, minRevision: 1, seconds);
    }

    /// <summary>Requests a rotation through the annotation and waits for it to converge with the old token revoked.</summary>
    public async Task RotateAsync(string name, string request, int seconds = 30)
    {
        var before = await GetAsync(name);
        await RequestRotationAsync(name, request);
        await WaitConvergedAsync(name, before!.Status!.Revision!.Value + 1, seconds);
        Assert.False(VendorTokensOf(name).Single(t => t.Id == before.Status.TokenId).Live, $"the replaced token {before.Status.TokenId} of {name} is still live");
    }

    /// <summary>Sets the <c>servicetoken.dev/rotate</c> annotation, as <c>kubectl annotate</c> would.</summary>
    public async Task RequestRotationAsync(string name, string request)
    {
        var patch = new V1Patch(JsonSerializer.Serialize(new { metadata = new { annotations = new Dictionary<string, string> { [SecretLabels.Rotate] = request } } }), V1Patch.PatchType.MergePatch);
        await Client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, ApiGroup.Group, ApiGroup.VersionName, "default", ServiceToken.Plural, name);
    }

    /// <summary>Deletes the ServiceToken and waits until it is gone and every vendor token it had is revoked.</summary>
    public async Task DeleteAsync(string name, int seconds = 30)
    {
        await Client.CustomObjects.DeleteNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.VersionName, "default", ServiceToken.Plural, name);
        await Eventually.ValueAsync(
            async () => (token: await GetAsync(name), live: VendorTokensOf(name).Count(t => t.Live)),
            s => s.token is null && s.live == 0, $"{name} to be deleted with its tokens revoked", seconds);
    }

    public async Task<ServiceToken?> GetAsync(string name)
    {
        try
        {
            var element = await Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(ApiGroup.Group, ApiGroup.VersionName, "default", ServiceToken.Plural, name);
            return JsonSerializer.Deserialize<ServiceToken>(element.GetRawText());
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Waits until the ServiceToken is Ready at a revision with no grace period running and one live token, the Secret's.</summary>
    public async Task WaitConvergedAsync(string name, long minRevision, int seconds = 30)
    {
        var converged = await Eventually.ValueAsync(async () =>
        {
            var token = await GetAsync(name);
            var secretTokenId = await VendorLedger.SecretTokenIdAsync(Client, "default", name);
            var mine = VendorTokensOf(name);
            if (secretTokenId is not null)
                Assert.True(mine.Single(t => t.Id == secretTokenId).Live, $"the Secret of {name} holds revoked token {secretTokenId}");
            return new Look(token, secretTokenId, mine.Where(t => t.Live).Select(t => t.Id).ToList());
        }, s => s.Token?.Status?.Revision >= minRevision && s.Token.Status.PendingRevocations is not { Count: > 0 }
                && s.Live.Count == 1 && s.Live[0] == s.Token.Status.TokenId && s.SecretTokenId == s.Token.Status.TokenId,
        $"{name} to converge at revision {minRevision} with exactly one live token, the Secret's", seconds);
        Assert.True(Conditions.IsTrue(converged.Token!.Status!.Conditions, ConditionTypes.Ready), $"{name} is not Ready");
    }

    public void Dispose() => Client.Dispose();

    /// <summary>One look at a ServiceToken, its Secret and its vendor tokens; serialized into a timeout's message.</summary>
    private sealed record Look(ServiceToken? Token, string? SecretTokenId, IReadOnlyList<string> Live);
}
