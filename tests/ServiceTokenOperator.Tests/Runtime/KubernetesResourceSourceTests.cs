using System.Net;
using k8s;
using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Runtime;

namespace ServiceTokenOperator.Tests.Runtime;

public sealed class KubernetesResourceSourceTests
{
    private readonly StubApiHandler _api = new();

    [Fact]
    public async Task ListAsync_Secrets_UsesCorePathSelectorAndPaging()
    {
        _api.Respond = _ => (HttpStatusCode.OK, """{"kind":"SecretList","apiVersion":"v1","metadata":{"resourceVersion":"77","continue":"next"},"items":[{"metadata":{"name":"s1","namespace":"apps","resourceVersion":"70"}}]}""");
        var source = new KubernetesResourceSource<V1Secret>(StubApiHandler.Client(_api), ResourceTypes.Secrets);

        var page = await source.ListAsync("servicetoken.dev/managed-by", "tok", 500, CancellationToken.None);

        var request = Assert.Single(_api.Requests);
        Assert.Equal("/api/v1/secrets", request.Uri.AbsolutePath);
        Assert.Contains("labelSelector=servicetoken.dev%2Fmanaged-by", request.Uri.Query, StringComparison.Ordinal);
        Assert.Contains("limit=500", request.Uri.Query, StringComparison.Ordinal);
        Assert.Contains("continue=tok", request.Uri.Query, StringComparison.Ordinal);
        Assert.Equal("77", page.ResourceVersion);
        Assert.Equal("next", page.Continue);
        var secret = Assert.Single(page.Items);
        Assert.Equal("s1", secret.Metadata.Name);
        Assert.Equal("Secret", secret.Kind);
        Assert.Equal("v1", secret.ApiVersion);
    }

    [Fact]
    public async Task ListAsync_NamespaceScope_UsesNamespacedPath_LastPageHasNoContinue()
    {
        _api.Respond = _ => (HttpStatusCode.OK, """{"kind":"ServiceTokenList","apiVersion":"servicetoken.dev/v1alpha1","metadata":{"resourceVersion":"5"},"items":[{"metadata":{"name":"t1","namespace":"apps"},"spec":{}}]}""");
        var source = new KubernetesResourceSource<ServiceToken>(StubApiHandler.Client(_api), ResourceTypes.ServiceTokens, "apps");

        var page = await source.ListAsync(null, null, 100, CancellationToken.None);

        Assert.Equal("/apis/servicetoken.dev/v1alpha1/namespaces/apps/servicetokens", _api.Requests[0].Uri.AbsolutePath);
        Assert.Null(page.Continue);
        Assert.Equal("t1", Assert.Single(page.Items).Metadata.Name);
    }

    [Fact]
    public async Task ListAsync_ClusterScopedIgnoresNamespaceScope()
    {
        _api.Respond = _ => (HttpStatusCode.OK, """{"kind":"ClusterTokenIssuerList","metadata":{"resourceVersion":"5"},"items":[]}""");
        var source = new KubernetesResourceSource<ClusterTokenIssuer>(StubApiHandler.Client(_api), ResourceTypes.ClusterTokenIssuers, "apps");

        await source.ListAsync(null, null, 100, CancellationToken.None);

        Assert.Equal("/apis/servicetoken.dev/v1alpha1/clustertokenissuers", _api.Requests[0].Uri.AbsolutePath);
    }

    [Fact]
    public async Task WatchAsync_StreamsTypedEventsAndBookmarks_WithWatchParameters()
    {
        _api.Respond = _ => (HttpStatusCode.OK, string.Join('\n',
            """{"type":"ADDED","object":{"apiVersion":"servicetoken.dev/v1alpha1","kind":"ServiceToken","metadata":{"name":"t1","namespace":"apps","resourceVersion":"11"},"spec":{"issuerRef":{"name":"i1"}}}}""",
            """{"type":"BOOKMARK","object":{"apiVersion":"servicetoken.dev/v1alpha1","kind":"ServiceToken","metadata":{"resourceVersion":"12"}}}""",
            """{"type":"DELETED","object":{"apiVersion":"servicetoken.dev/v1alpha1","kind":"ServiceToken","metadata":{"name":"t1","namespace":"apps","resourceVersion":"13"},"spec":{}}}""") + "\n");
        var source = new KubernetesResourceSource<ServiceToken>(StubApiHandler.Client(_api), ResourceTypes.ServiceTokens);

        var events = await ToListAsync(source.WatchAsync("10", "a=b", CancellationToken.None));

        Assert.Equal([WatchEventType.Added, WatchEventType.Bookmark, WatchEventType.Deleted], events.Select(e => e.Type));
        Assert.Equal("t1", events[0].Object?.Metadata.Name);
        Assert.Equal("12", events[1].Object?.Metadata.ResourceVersion);
        var query = _api.Requests[0].Uri.Query;
        Assert.Equal("/apis/servicetoken.dev/v1alpha1/servicetokens", _api.Requests[0].Uri.AbsolutePath);
        Assert.Contains("watch=true", query, StringComparison.Ordinal);
        Assert.Contains("allowWatchBookmarks=true", query, StringComparison.Ordinal);
        Assert.Contains("resourceVersion=10", query, StringComparison.Ordinal);
        Assert.Contains("labelSelector=a%3Db", query, StringComparison.Ordinal);
        Assert.Contains("timeoutSeconds=", query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchAsync_ErrorEvent410_SurfacesAsErrorEventWithStatus()
    {
        _api.Respond = _ => (HttpStatusCode.OK, string.Join('\n',
            """{"type":"ADDED","object":{"kind":"Secret","apiVersion":"v1","metadata":{"name":"s1","namespace":"apps","resourceVersion":"11"}}}""",
            """{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 10 (15)","reason":"Expired","code":410}}""") + "\n");
        var source = new KubernetesResourceSource<V1Secret>(StubApiHandler.Client(_api), ResourceTypes.Secrets, "apps");

        var events = await ToListAsync(source.WatchAsync("10", null, CancellationToken.None));

        Assert.Equal([WatchEventType.Added, WatchEventType.Error], events.Select(e => e.Type));
        Assert.Equal(410, events[1].Error?.Code);
        Assert.Equal("Expired", events[1].Error?.Reason);
        Assert.Equal("/api/v1/namespaces/apps/secrets", _api.Requests[0].Uri.AbsolutePath);
    }

    [Fact]
    public async Task WatchAsync_GoneBeforeStreaming_SurfacesAsErrorEvent()
    {
        _api.Respond = _ => (HttpStatusCode.Gone, """{"kind":"Status","code":410,"reason":"Expired"}""");
        var source = new KubernetesResourceSource<V1Secret>(StubApiHandler.Client(_api), ResourceTypes.Secrets);

        var events = await ToListAsync(source.WatchAsync("10", null, CancellationToken.None));

        Assert.Equal(410, Assert.Single(events).Error?.Code);
    }

    private static async Task<List<WatchEvent<T>>> ToListAsync<T>(IAsyncEnumerable<WatchEvent<T>> events)
    {
        var list = new List<WatchEvent<T>>();
        await foreach (var e in events.WithCancellation(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token))
        {
            list.Add(e);
        }

        return list;
    }
}
