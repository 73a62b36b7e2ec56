using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Runtime;
using static ServiceTokenOperator.Tests.Runtime.TestObjects;

namespace ServiceTokenOperator.Tests.Runtime;

public sealed class InformerTests : IAsyncDisposable
{
    private static readonly InformerOptions NoJitter = new()
    {
        InitialBackoff = TimeSpan.FromSeconds(1),
        MaxBackoff = TimeSpan.FromSeconds(8),
        Jitter = 0,
    };

    private readonly RecordingTimeProvider _time = new();
    private readonly FakeResourceSource<ServiceToken> _source = new();
    private readonly List<InformerEvent<ServiceToken>> _events = [];
    private readonly Informer<ServiceToken> _informer;

    public InformerTests()
    {
        _informer = new Informer<ServiceToken>(_source, _time, NullLogger<Informer<ServiceToken>>.Instance, "servicetoken.dev/managed-by", NoJitter);
        _informer.Changed += e =>
        {
            lock (_events)
            {
                _events.Add(e);
            }
        };
    }

    public async ValueTask DisposeAsync() => await _informer.DisposeAsync();

    [Fact]
    public async Task StartAsync_ListsThenWatchesFromListResourceVersion()
    {
        _source.OnList = _ => new ResourcePage<ServiceToken>([Token("a", "5"), Token("b", "7")], "10", null);

        await _informer.StartAsync(CancellationToken.None);
        await _informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => _source.Watches.Count == 1, "the informer watches");

        Assert.True(_informer.HasSynced);
        Assert.True(_informer.IsRunning);
        Assert.Equal("10", _source.LastWatch.ResourceVersion);
        Assert.Equal("servicetoken.dev/managed-by", _source.LastWatch.LabelSelector);
        Assert.Equal("servicetoken.dev/managed-by", _source.Lists[0].LabelSelector);
        Assert.Equal("10", _informer.LastSyncResourceVersion);
        Assert.Equal("7", _informer.Get(new ObjectKey("apps", "b"))?.Metadata.ResourceVersion);
        Assert.Null(_informer.Get(new ObjectKey("other", "b")));
        Assert.Equal(["a", "b"], _informer.List().Select(t => t.Metadata.Name).Order());
        Assert.Equal(["b"], _informer.List(t => t.Metadata.Name == "b").Select(t => t.Metadata.Name));
        Assert.All(Events(), e => Assert.Equal(WatchEventType.Added, e.Type));
        Assert.Equal(2, Events().Count);
    }

    [Fact]
    public async Task StartAsync_PagedList_FollowsContinueTokensBeforeSync()
    {
        _source.OnList = token => token is null
            ? new ResourcePage<ServiceToken>([Token("a", "5")], "10", "page2")
            : new ResourcePage<ServiceToken>([Token("b", "6")], "10", null);

        await _informer.StartAsync(CancellationToken.None);
        await _informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([null, "page2"], _source.Lists.Select(l => l.Continue));
        Assert.Equal(2, _informer.List().Count);
    }

    [Fact]
    public async Task WaitForSyncAsync_BeforeFirstList_DoesNotComplete()
    {
        _source.OnList = _ => throw new HttpRequestException("refused");

        await _informer.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => _informer.State == InformerState.BackingOff, "the first list failed");

        Assert.False(_informer.HasSynced);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _informer.WaitForSyncAsync(cts.Token));
    }

    [Fact]
    public async Task WatchEvents_UpdateCacheAndRaiseEventsWithOldObjects()
    {
        await StartSyncedAsync([Token("a", "5")], "10");
        var watch = _source.LastWatch;

        watch.Send(WatchEventType.Added, Token("b", "11"));
        watch.Send(WatchEventType.Modified, Token("a", "12"));
        watch.Send(WatchEventType.Deleted, Token("b", "13"));
        watch.Send(WatchEventType.Bookmark, Bookmark("20"));
        await Eventually.TrueAsync(() => _informer.LastSyncResourceVersion == "20", "the bookmark is applied");

        var events = Events().Skip(1).ToList();
        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted], events.Select(e => e.Type));
        Assert.Equal("5", events[1].OldObject?.Metadata.ResourceVersion);
        Assert.Equal("12", events[1].NewObject?.Metadata.ResourceVersion);
        Assert.Equal("13", events[2].OldObject?.Metadata.ResourceVersion);
        Assert.Null(events[2].NewObject);
        Assert.Equal(["a"], _informer.List().Select(t => t.Metadata.Name));
        Assert.Equal("12", _informer.Get(new ObjectKey("apps", "a"))?.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Watch410Gone_RelistsAndDiffsAgainstCache()
    {
        await StartSyncedAsync([Token("a", "1"), Token("b", "2"), Token("c", "3")], "10");
        _source.OnList = _ => new ResourcePage<ServiceToken>([Token("a", "1"), Token("b", "25"), Token("d", "26")], "30", null);

        _source.LastWatch.Send(WatchEventType.Bookmark, Bookmark("15"));
        _source.LastWatch.SendError(410, "Expired");
        await Eventually.TrueAsync(() => _source.Watches.Count == 2, "the informer watches again after relisting");

        Assert.Equal(2, _source.Lists.Count);
        Assert.Equal("30", _source.LastWatch.ResourceVersion);
        var relist = Events().Skip(3).ToList();
        Assert.Contains(relist, e => e.Type == WatchEventType.Deleted && e.OldObject?.Metadata.Name == "c");
        Assert.Contains(relist, e => e.Type == WatchEventType.Modified && e.NewObject?.Metadata.Name == "b" && e.OldObject?.Metadata.ResourceVersion == "2");
        Assert.Contains(relist, e => e.Type == WatchEventType.Added && e.NewObject?.Metadata.Name == "d");
        Assert.Equal(3, relist.Count);
        Assert.Equal(["a", "b", "d"], _informer.List().Select(t => t.Metadata.Name).Order());
    }

    [Fact]
    public async Task ByIndex_FollowsAddsChangesDeletesAndRelists()
    {
        _informer.AddIndex("team", t => t.Metadata.Labels is { } labels && labels.TryGetValue("team", out var team) ? team : null);
        await StartSyncedAsync([OfTeam("a", "1", "x"), OfTeam("b", "2", "y"), Token("n", "3")], "10");
        Assert.Equal(["a"], Names(_informer.ByIndex("team", "x")));

        _source.LastWatch.Send(WatchEventType.Modified, OfTeam("a", "11", "y"));
        _source.LastWatch.Send(WatchEventType.Added, OfTeam("c", "12", "x"));
        _source.LastWatch.Send(WatchEventType.Deleted, OfTeam("b", "13", "y"));
        await Eventually.TrueAsync(() => _informer.LastSyncResourceVersion == "13", "the watch events to be applied");
        Assert.Equal(["c"], Names(_informer.ByIndex("team", "x")));
        Assert.Equal(["a"], Names(_informer.ByIndex("team", "y")));
        Assert.True(_informer.HasIndexed("team", "y"));
        Assert.False(_informer.HasIndexed("team", "z"));

        _source.OnList = _ => new ResourcePage<ServiceToken>([OfTeam("d", "20", "x")], "30", null);
        _source.LastWatch.SendError(410, "Expired");
        await Eventually.TrueAsync(() => _source.Watches.Count == 2, "the informer watches again after relisting");
        Assert.Equal(["d"], Names(_informer.ByIndex("team", "x")));
        Assert.Empty(_informer.ByIndex("team", "y"));
        Assert.False(_informer.HasIndexed("team", "y"));
    }

    [Fact]
    public async Task MultiValueIndex_AnObjectUnderEachOfItsValues_MovedAsTheyChange()
    {
        _informer.AddMultiValueIndex("teams", t => t.Metadata.Labels is { } labels ? [.. labels.Values.Order(StringComparer.Ordinal)] : []);
        await StartSyncedAsync([OfTeams("a", "1", "x", "y"), OfTeams("b", "2", "y")], "10");
        Assert.Equal(["a"], Names(_informer.ByIndex("teams", "x")));
        Assert.Equal(["a", "b"], Names(_informer.ByIndex("teams", "y")));

        _source.LastWatch.Send(WatchEventType.Modified, OfTeams("a", "11", "y", "z"));
        _source.LastWatch.Send(WatchEventType.Deleted, OfTeams("b", "12", "y"));
        await Eventually.TrueAsync(() => _informer.LastSyncResourceVersion == "12", "the watch events to be applied");
        Assert.False(_informer.HasIndexed("teams", "x"));
        Assert.Equal(["a"], Names(_informer.ByIndex("teams", "y")));
        Assert.Equal(["a"], Names(_informer.ByIndex("teams", "z")));
    }

    private static ServiceToken OfTeams(string name, string resourceVersion, params string[] teams)
    {
        var token = Token(name, resourceVersion);
        token.Metadata.Labels = teams.Select((team, i) => (team, i)).ToDictionary(p => $"team-{p.i}", p => p.team);
        return token;
    }

    [Fact]
    public async Task AddIndex_AfterStart_Throws()
    {
        await StartSyncedAsync([], "1");

        Assert.Throws<InvalidOperationException>(() => _informer.AddIndex("late", _ => null));
    }

    private static ServiceToken OfTeam(string name, string resourceVersion, string team)
    {
        var token = Token(name, resourceVersion);
        token.Metadata.Labels = new Dictionary<string, string> { ["team"] = team };
        return token;
    }

    private static List<string> Names(IEnumerable<ServiceToken> tokens) => [.. tokens.Select(t => t.Metadata.Name).Order()];

    [Fact]
    public async Task Watch410WithoutProgress_RelistsAfterBackoff()
    {
        await StartSyncedAsync([Token("a", "1")], "10");

        _source.LastWatch.SendError(410, "Gone");
        await Eventually.TrueAsync(() => _time.DueTimes.Count == 1, "the informer backs off");
        Assert.Single(_source.Lists);

        _time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => _source.Watches.Count == 2, "the informer relists and watches");
        Assert.Equal(2, _source.Lists.Count);
    }

    [Fact]
    public async Task ListFailures_RetryWithDoublingCappedBackoff_NeverStop()
    {
        var fail = true;
        _source.OnList = _ => fail ? throw new HttpRequestException("refused") : new ResourcePage<ServiceToken>([Token("a", "1")], "10", null);

        await _informer.StartAsync(CancellationToken.None);
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            await Eventually.TrueAsync(() => _time.DueTimes.Count == attempt, $"backoff #{attempt} starts");
            var due = _time.DueTimes[^1];
            _time.Advance(due - TimeSpan.FromMilliseconds(1));
            Assert.Equal(attempt, _source.Lists.Count);
            _time.Advance(TimeSpan.FromMilliseconds(1));
            await Eventually.TrueAsync(() => _source.Lists.Count == attempt + 1, $"list #{attempt + 1} happens");
        }

        Assert.Equal([1, 2, 4, 8, 8, 8], _time.DueTimes.Take(6).Select(d => d.TotalSeconds));
        Assert.True(_informer.IsRunning);
        Assert.False(_informer.HasSynced);

        fail = false;
        await Eventually.TrueAsync(() => _time.DueTimes.Count == 7, "backoff #7 starts");
        _time.Advance(TimeSpan.FromSeconds(8));
        await _informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, _informer.ConsecutiveFailures);
    }

    [Fact]
    public async Task ClosedStreamsWithoutProgress_ReconnectWithGrowingBackoff_KeepGoing()
    {
        await StartSyncedAsync([], "10");

        for (var round = 1; round <= 5; round++)
        {
            _source.LastWatch.Close();
            await Eventually.TrueAsync(() => _time.DueTimes.Count == round, $"backoff #{round} starts");
            _time.Advance(_time.DueTimes[^1]);
            await Eventually.TrueAsync(() => _source.Watches.Count == round + 1, $"watch #{round + 1} starts");
        }

        Assert.Equal([1, 2, 4, 8, 8], _time.DueTimes.Select(d => d.TotalSeconds));
        Assert.All(_source.Watches, w => Assert.Equal("10", w.ResourceVersion));
        Assert.Single(_source.Lists);
        Assert.True(_informer.IsRunning);
    }

    [Fact]
    public async Task StreamErrors_ReconnectFromLastResourceVersionWithBackoff()
    {
        await StartSyncedAsync([], "10");
        _source.LastWatch.Send(WatchEventType.Added, Token("a", "12"));
        _source.LastWatch.Fail();

        await Eventually.TrueAsync(() => _time.DueTimes.Count == 1, "the informer backs off after the error");
        _time.Advance(_time.DueTimes[0]);
        await Eventually.TrueAsync(() => _source.Watches.Count == 2, "the informer watches again");

        Assert.Equal("12", _source.LastWatch.ResourceVersion);
        Assert.Single(_source.Lists);
        Assert.NotNull(_informer.Get(new ObjectKey("apps", "a")));
    }

    [Fact]
    public async Task NonExpiredWatchError_BacksOffAndRewatchesWithoutRelist()
    {
        await StartSyncedAsync([], "10");
        _source.LastWatch.SendError(500, "InternalError");

        await Eventually.TrueAsync(() => _time.DueTimes.Count == 1, "the informer backs off");
        _time.Advance(_time.DueTimes[0]);
        await Eventually.TrueAsync(() => _source.Watches.Count == 2, "the informer watches again");
        Assert.Single(_source.Lists);
    }

    [Fact]
    public async Task HealthyWatchClosedByServer_RewatchesAtOnce()
    {
        await StartSyncedAsync([], "10");
        _source.LastWatch.Send(WatchEventType.Bookmark, Bookmark("40"));
        _source.LastWatch.Close();

        await Eventually.TrueAsync(() => _source.Watches.Count == 2, "the informer watches again without waiting");
        Assert.Empty(_time.DueTimes);
        Assert.Equal("40", _source.LastWatch.ResourceVersion);
    }

    [Fact]
    public async Task ThrowingHandler_DoesNotStopTheLoopNorOtherHandlers()
    {
        _informer.Changed += _ => throw new InvalidOperationException("handler bug");
        await StartSyncedAsync([], "10");

        _source.LastWatch.Send(WatchEventType.Added, Token("a", "11"));
        _source.LastWatch.Send(WatchEventType.Added, Token("b", "12"));

        await Eventually.TrueAsync(() => Events().Count == 2, "both events reach the other handler");
        Assert.Equal(InformerState.Watching, _informer.State);
    }

    [Fact]
    public async Task DisposeAsync_StopsTheLoop()
    {
        await StartSyncedAsync([], "10");

        await _informer.DisposeAsync();

        Assert.False(_informer.IsRunning);
        Assert.Equal(InformerState.Stopped, _informer.State);
    }

    [Fact]
    public async Task StartAsync_Twice_Throws()
    {
        await _informer.StartAsync(CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => _informer.StartAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Transform_AppliesToListedAndWatchedObjectsBeforeCacheAndHandlers()
    {
        var seen = new List<string>();
        var options = NoJitter with
        {
            Transform = o =>
            {
                lock (seen)
                {
                    seen.Add(o.Metadata.Name);
                }

                o.Metadata.Labels = new Dictionary<string, string> { ["transformed"] = "yes" };
            },
        };
        var source = new FakeResourceSource<ServiceToken>
        {
            OnList = _ => new ResourcePage<ServiceToken>([Token("a", "5")], "10", null),
        };
        var events = new List<InformerEvent<ServiceToken>>();
        await using var informer = new Informer<ServiceToken>(source, _time, NullLogger<Informer<ServiceToken>>.Instance, null, options);
        informer.Changed += e =>
        {
            // The handler must already see the transformed object.
            lock (events)
            {
                events.Add(e);
            }
        };
        await informer.StartAsync(CancellationToken.None);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => source.Watches.Count == 1, "the informer watches");

        var bookmark = Bookmark("20");
        source.LastWatch.Send(WatchEventType.Added, Token("b", "11"));
        source.LastWatch.Send(WatchEventType.Modified, Token("a", "12"));
        source.LastWatch.Send(WatchEventType.Deleted, Token("b", "13"));
        source.LastWatch.Send(WatchEventType.Bookmark, bookmark);
        await Eventually.TrueAsync(() => informer.LastSyncResourceVersion == "20", "the bookmark is applied");

        Assert.Equal(["a", "b", "a", "b"], seen);
        Assert.Null(bookmark.Metadata.Labels);
        Assert.Equal("yes", informer.Get(new ObjectKey("apps", "a"))?.Metadata.Labels["transformed"]);
        lock (events)
        {
            Assert.Equal(4, events.Count);
            Assert.All(events, e => Assert.Equal("yes", (e.NewObject ?? e.OldObject)?.Metadata.Labels["transformed"]));
        }
    }

    [Fact]
    public async Task DefaultOptions_CacheObjectsWithoutManagedFields()
    {
        var source = new FakeResourceSource<ServiceToken>
        {
            OnList = _ => new ResourcePage<ServiceToken>([WithManagedFields(Token("a", "5"))], "10", null),
        };
        await using var informer = new Informer<ServiceToken>(source, _time, NullLogger<Informer<ServiceToken>>.Instance);
        await informer.StartAsync(CancellationToken.None);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => source.Watches.Count == 1, "the informer watches");
        source.LastWatch.Send(WatchEventType.Added, WithManagedFields(Token("b", "11")));
        await Eventually.TrueAsync(() => informer.LastSyncResourceVersion == "11", "the watch event is applied");

        Assert.Null(informer.Get(new ObjectKey("apps", "a"))?.Metadata.ManagedFields);
        Assert.Null(informer.Get(new ObjectKey("apps", "b"))?.Metadata.ManagedFields);
        Assert.Equal("11", informer.Get(new ObjectKey("apps", "b"))?.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task NullTransform_CachesObjectsAsReceived()
    {
        var source = new FakeResourceSource<ServiceToken>
        {
            OnList = _ => new ResourcePage<ServiceToken>([WithManagedFields(Token("a", "5"))], "10", null),
        };
        await using var informer = new Informer<ServiceToken>(source, _time, NullLogger<Informer<ServiceToken>>.Instance, null, NoJitter with { Transform = null });
        await informer.StartAsync(CancellationToken.None);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Single(informer.Get(new ObjectKey("apps", "a"))?.Metadata.ManagedFields ?? []);
    }

    private static ServiceToken WithManagedFields(ServiceToken token)
    {
        token.Metadata.ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubectl", Operation = "Update" }];
        return token;
    }

    private async Task StartSyncedAsync(IReadOnlyList<ServiceToken> items, string resourceVersion)
    {
        _source.OnList = _ => new ResourcePage<ServiceToken>(items, resourceVersion, null);
        await _informer.StartAsync(CancellationToken.None);
        await _informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => _source.Watches.Count == 1, "the informer watches");
    }

    private List<InformerEvent<ServiceToken>> Events()
    {
        lock (_events)
        {
            return [.. _events];
        }
    }
}
