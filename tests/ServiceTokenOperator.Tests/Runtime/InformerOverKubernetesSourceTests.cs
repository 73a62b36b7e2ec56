using System.Net;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using ServiceTokenOperator.Runtime;

namespace ServiceTokenOperator.Tests.Runtime;

/// <summary>The informer over the real KubernetesClient plumbing, answered in-process: lists, watches, relists on 410.</summary>
public sealed class InformerOverKubernetesSourceTests
{
    [Fact]
    public async Task Informer_SecretsWithSelector_ListsWatchesAndRelistsOn410()
    {
        var time = new RecordingTimeProvider();
        var api = new StubApiHandler();
        var lists = 0;
        var watches = 0;
        api.Respond = request =>
        {
            if (!request.RequestUri!.Query.Contains("watch=true", StringComparison.Ordinal))
            {
                return ++lists == 1
                    ? (HttpStatusCode.OK, """{"kind":"SecretList","apiVersion":"v1","metadata":{"resourceVersion":"5"},"items":[{"metadata":{"name":"s1","namespace":"apps","resourceVersion":"4"}}]}""")
                    : (HttpStatusCode.OK, """{"kind":"SecretList","apiVersion":"v1","metadata":{"resourceVersion":"9"},"items":[{"metadata":{"name":"s2","namespace":"apps","resourceVersion":"6"}}]}""");
            }

            // First watch: one object, then the server says the history is gone. Later watches: nothing.
            return ++watches == 1
                ? (HttpStatusCode.OK, """{"type":"ADDED","object":{"kind":"Secret","apiVersion":"v1","metadata":{"name":"s2","namespace":"apps","resourceVersion":"6"}}}""" + "\n"
                    + """{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Expired","code":410}}""" + "\n")
                : (HttpStatusCode.OK, string.Empty);
        };
        var source = new KubernetesResourceSource<V1Secret>(StubApiHandler.Client(api), ResourceTypes.Secrets, time: time);
        await using var informer = new Informer<V1Secret>(source, time, NullLogger<Informer<V1Secret>>.Instance, "servicetoken.dev/managed-by");
        var events = new List<InformerEvent<V1Secret>>();
        informer.Changed += e =>
        {
            lock (events)
            {
                events.Add(e);
            }
        };

        await informer.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Volatile.Read(ref watches) == 2, "the informer relisted and watches again");
        await Eventually.TrueAsync(() => informer.State == InformerState.BackingOff, "the empty watch closed");

        Assert.Equal(["s2"], informer.List().Select(s => s.Metadata.Name));
        lock (events)
        {
            Assert.Equal(
                [(WatchEventType.Added, "s1"), (WatchEventType.Added, "s2"), (WatchEventType.Deleted, "s1")],
                events.Select(e => (e.Type, e.Object.Metadata.Name)));
        }

        var watchQueries = api.Requests.Where(r => r.Uri.Query.Contains("watch=true", StringComparison.Ordinal)).Select(r => r.Uri.Query).ToList();
        Assert.Contains("resourceVersion=5", watchQueries[0], StringComparison.Ordinal);
        Assert.Contains("resourceVersion=9", watchQueries[1], StringComparison.Ordinal);
        Assert.All(api.Requests, r => Assert.Contains("labelSelector=servicetoken.dev%2Fmanaged-by", r.Uri.Query, StringComparison.Ordinal));
    }
}
