using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Runtime;
using ServiceTokenOperator.Secrets;
using ServiceTokenOperator.Tests.Runtime;

namespace ServiceTokenOperator.Tests.Controllers;

/// <summary>
/// <see cref="OperatorCaches.IssuerInUse"/> answers from indexes what <see cref="IssuerUsage.InUse"/> answers by
/// scanning every cached ServiceToken: the same answer for every issuer, as tokens are added, change and go.
/// </summary>
public sealed class IssuerUsageIndexTests : IAsyncDisposable
{
    private static readonly IssuerKey ClusterA = new(ClusterTokenIssuer.KindName, new ObjectKey(null, "a"));
    private static readonly IssuerKey ClusterC = new(ClusterTokenIssuer.KindName, new ObjectKey(null, "c"));
    private static readonly IssuerKey AppsB = new(TokenIssuer.KindName, new ObjectKey("apps", "b"));
    private static readonly IssuerKey AppsD = new(TokenIssuer.KindName, new ObjectKey("apps", "d"));
    private static readonly IssuerKey TeamE = new(TokenIssuer.KindName, new ObjectKey("team", "e"));
    private static readonly IssuerKey OtherE = new(TokenIssuer.KindName, new ObjectKey("other", "e"));
    private static readonly IssuerKey[] Issuers = [ClusterA, ClusterC, AppsB, AppsD, TeamE, OtherE];

    private readonly FakeResourceSource<ServiceToken> _source = new();
    private readonly OperatorCaches _caches;

    public IssuerUsageIndexTests()
    {
        _caches = new OperatorCaches(
            new Informer<ServiceToken>(_source, TimeProvider.System, NullLogger<Informer<ServiceToken>>.Instance),
            Unstarted<TokenIssuer>(), Unstarted<ClusterTokenIssuer>(), Unstarted<V1Secret>(), Unstarted<PartialObjectMetadata>());
        OperatorCaches.IndexIssuerUsage(_caches.ServiceTokens);
    }

    public async ValueTask DisposeAsync() => await _caches.ServiceTokens.DisposeAsync();

    [Fact]
    public async Task IssuerInUse_AsTokensComeChangeAndGo_AgreesWithTheScan()
    {
        _source.OnList = _ => new ResourcePage<ServiceToken>(
        [
            Token("spec-only", "1", "apps", ClusterTokenIssuer.KindName, "a", finalizer: true),
            // issuerRef changed from ClusterTokenIssuer a to TokenIssuer b: the old token still awaits revocation.
            Token("moved", "2", "apps", TokenIssuer.KindName, "b", finalizer: true, statusIssuer: "ClusterTokenIssuer/a", tokenId: "t2"),
            Token("released", "3", "apps", ClusterTokenIssuer.KindName, "c"),
            Token("pending", "4", "apps", TokenIssuer.KindName, "d", statusIssuer: "TokenIssuer/apps/d", pending: true),
            Token("default-kind", "5", "team", null, "e", finalizer: true),
            // Re-pointed from ClusterTokenIssuer c and re-issued: the old token, pending revocation, still needs c.
            Token("repointed", "6", "apps", TokenIssuer.KindName, "b", finalizer: true, statusIssuer: "TokenIssuer/apps/b", tokenId: "t6", pending: true, pendingIssuer: "ClusterTokenIssuer/c"),
        ], "10", null);
        await _caches.ServiceTokens.StartAsync(CancellationToken.None);
        await _caches.ServiceTokens.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => _source.Watches.Count == 1, "the informer watches");

        AssertAgrees(inUse: [ClusterA, ClusterC, AppsB, AppsD, TeamE]);

        // The first holder of a lets go; the moved token's recorded issuer still needs it.
        _source.LastWatch.Send(WatchEventType.Modified, Token("spec-only", "11", "apps", ClusterTokenIssuer.KindName, "a"));
        await Eventually.TrueAsync(() => _caches.ServiceTokens.LastSyncResourceVersion == "11", "the change to be applied");
        AssertAgrees(inUse: [ClusterA, ClusterC, AppsB, AppsD, TeamE]);

        // The moved token revoked its old one and lets go too: nothing needs a any more.
        _source.LastWatch.Send(WatchEventType.Modified, Token("moved", "12", "apps", TokenIssuer.KindName, "b", finalizer: true, statusIssuer: "TokenIssuer/apps/b", tokenId: "t3"));
        _source.LastWatch.Send(WatchEventType.Deleted, Token("pending", "13", "apps", TokenIssuer.KindName, "d", statusIssuer: "TokenIssuer/apps/d", pending: true));
        _source.LastWatch.Send(WatchEventType.Added, Token("new", "14", "apps", ClusterTokenIssuer.KindName, "c", finalizer: true));
        await Eventually.TrueAsync(() => _caches.ServiceTokens.LastSyncResourceVersion == "14", "the changes to be applied");
        AssertAgrees(inUse: [ClusterC, AppsB, TeamE]);

        // The old token of the re-pointed one is revoked and the new token for c goes: c is free.
        _source.LastWatch.Send(WatchEventType.Modified, Token("repointed", "15", "apps", TokenIssuer.KindName, "b", finalizer: true, statusIssuer: "TokenIssuer/apps/b", tokenId: "t6"));
        _source.LastWatch.Send(WatchEventType.Deleted, Token("new", "16", "apps", ClusterTokenIssuer.KindName, "c", finalizer: true));
        await Eventually.TrueAsync(() => _caches.ServiceTokens.LastSyncResourceVersion == "16", "the changes to be applied");
        AssertAgrees(inUse: [AppsB, TeamE]);
    }

    private void AssertAgrees(IssuerKey[] inUse)
    {
        var tokens = _caches.ServiceTokens.List();
        foreach (var issuer in Issuers)
        {
            var expected = inUse.Contains(issuer);
            Assert.True(expected == IssuerUsage.InUse(issuer, tokens), $"the scan says {issuer} in use: {!expected}");
            Assert.True(expected == _caches.IssuerInUse(issuer), $"the index says {issuer} in use: {!expected}");
        }
    }

    private static ServiceToken Token(string name, string resourceVersion, string ns, string? kind, string issuer,
        bool finalizer = false, string? statusIssuer = null, string? tokenId = null, bool pending = false, string? pendingIssuer = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, ResourceVersion = resourceVersion, Finalizers = finalizer ? [SecretLabels.Finalizer] : null },
        Spec = new ServiceTokenSpec { IssuerRef = new IssuerReference { Kind = kind, Name = issuer } },
        Status = statusIssuer is null && tokenId is null && !pending ? null : new ServiceTokenStatus
        {
            Issuer = statusIssuer,
            TokenId = tokenId,
            PendingRevocations = pending ? [new PendingRevocation { TokenId = "old", RevokeAt = DateTime.UnixEpoch, Issuer = pendingIssuer ?? statusIssuer }] : null,
        },
    };

    private static Informer<T> Unstarted<T>()
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        new(new FakeResourceSource<T>(), TimeProvider.System, NullLogger<Informer<T>>.Instance);
}
