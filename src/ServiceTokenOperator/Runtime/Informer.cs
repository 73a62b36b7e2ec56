using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using k8s;
using k8s.Models;

namespace ServiceTokenOperator.Runtime;

/// <summary>
/// A list-then-watch cache of one resource, like client-go's shared informer. It lists (in pages), marks itself
/// synced, then watches from the list's resourceVersion with bookmarks. A 410 Gone relists and diffs against the
/// cache (vanished objects raise Deleted, changed resourceVersions raise Modified); any other error, or a stream
/// that closes without progress, reconnects after an exponential, jittered, capped backoff. The loop only ends
/// when stopped. <see cref="Changed"/> handlers run on the loop, after the cache has been updated.
/// </summary>
internal sealed class Informer<T> : IAsyncDisposable where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IResourceSource<T> _source;
    private readonly TimeProvider _time;
    private readonly ILogger<Informer<T>> _logger;
    private readonly string? _labelSelector;
    private readonly InformerOptions _options;
    private readonly Backoff _backoff;
    private readonly Lock _gate = new();
    private readonly Dictionary<ObjectKey, T> _cache = [];
    private readonly Dictionary<string, (Func<T, IReadOnlyList<string>> ValuesOf, Dictionary<string, IndexedKeys> Entries)> _indexes = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _resourceName = typeof(T).Name;
    private CancellationTokenSource? _stop;
    private Task? _loop;
    private volatile InformerState _state = InformerState.NotStarted;
    private volatile string _lastSyncResourceVersion = string.Empty;
    private bool _watchProgressed;

    public Informer(IResourceSource<T> source, TimeProvider time, ILogger<Informer<T>> logger, string? labelSelector = null, InformerOptions? options = null)
    {
        _source = source;
        _time = time;
        _logger = logger;
        _labelSelector = labelSelector;
        _options = options ?? new InformerOptions();
        _backoff = new Backoff(_options.InitialBackoff, _options.MaxBackoff, _options.Jitter);
    }

    /// <summary>Raised on the informer's loop after each cache change.</summary>
    public event Action<InformerEvent<T>>? Changed;

    public bool HasSynced => _synced.Task.IsCompleted;

    /// <summary>Whether the background loop is alive (it may be backing off); false before start and after stop.</summary>
    public bool IsRunning => _loop is { IsCompleted: false };

    public InformerState State => _state;

    /// <summary>Failed attempts since the last healthy list or watch; grows while the API server is unreachable.</summary>
    public int ConsecutiveFailures => _backoff.Failures;

    /// <summary>The resourceVersion of the last list, watch event or bookmark applied.</summary>
    public string LastSyncResourceVersion => _lastSyncResourceVersion;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _cache.Count;
            }
        }
    }

    /// <summary>Starts the background loop and returns at once. The loop runs until <paramref name="ct"/> is cancelled or the informer is disposed.</summary>
    public Task StartAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            if (_loop is not null)
            {
                throw new InvalidOperationException($"The {_resourceName} informer is already started.");
            }

            _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var token = _stop.Token;
            _loop = Task.Run(() => RunAsync(token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public Task WaitForSyncAsync(CancellationToken ct) => _synced.Task.WaitAsync(ct);

    /// <summary>
    /// Adds an index, like client-go's Indexers: <paramref name="keyOf"/> gives an object's value (null: not indexed),
    /// and <see cref="ByIndex"/> finds the objects with a value without scanning the cache. Before <see cref="StartAsync"/>.
    /// </summary>
    public void AddIndex(string name, Func<T, string?> keyOf) =>
        AddMultiValueIndex(name, obj => keyOf(obj) is { } value ? [value] : []);

    /// <summary>An index in which an object may have several values (client-go's IndexFunc returns a list too).</summary>
    public void AddMultiValueIndex(string name, Func<T, IReadOnlyList<string>> valuesOf)
    {
        lock (_gate)
        {
            if (_loop is not null) throw new InvalidOperationException($"The {_resourceName} informer is already started: add index {name} before.");
            _indexes.Add(name, (valuesOf, new Dictionary<string, IndexedKeys>(StringComparer.Ordinal)));
        }
    }

    /// <summary>The cached objects whose value in index <paramref name="name"/> is <paramref name="value"/>.</summary>
    public IReadOnlyList<T> ByIndex(string name, string value)
    {
        lock (_gate)
        {
            return _indexes[name].Entries.TryGetValue(value, out var keys) ? [.. keys.Keys.Select(k => _cache[k])] : [];
        }
    }

    /// <summary>Whether any cached object has <paramref name="value"/> in index <paramref name="name"/>, without listing them.</summary>
    public bool HasIndexed(string name, string value)
    {
        lock (_gate)
        {
            return _indexes[name].Entries.TryGetValue(value, out var keys) && !keys.IsEmpty;
        }
    }

    public T? Get(ObjectKey key)
    {
        lock (_gate)
        {
            return _cache.GetValueOrDefault(key);
        }
    }

    public IReadOnlyList<T> List()
    {
        lock (_gate)
        {
            return [.. _cache.Values];
        }
    }

    public IReadOnlyList<T> List(Func<T, bool> predicate) => [.. List().Where(predicate)];

    public async ValueTask DisposeAsync()
    {
        Task? loop;
        lock (_gate)
        {
            _stop?.Cancel();
            loop = _loop;
        }

        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        _stop?.Dispose();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var needList = true;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    if (needList)
                    {
                        _state = InformerState.Listing;
                        await RelistAsync(ct).ConfigureAwait(false);
                        needList = false;
                    }

                    _state = InformerState.Watching;
                    var started = _time.GetTimestamp();
                    var outcome = await WatchAsync(ct).ConfigureAwait(false);
                    var healthy = _watchProgressed || _time.GetElapsedTime(started) >= _options.HealthyWatchDuration;
                    if (healthy)
                    {
                        _backoff.Reset();
                    }

                    if (outcome == WatchOutcome.Expired)
                    {
                        // The server no longer has history back to our resourceVersion: only a fresh list is consistent.
                        Log.WatchExpired(_logger, _resourceName, _lastSyncResourceVersion);
                        needList = true;
                    }

                    if (healthy && outcome != WatchOutcome.Failed)
                    {
                        // A normal server-side timeout after a healthy watch: carry on at once, like client-go.
                        continue;
                    }

                    await BackOffAsync(outcome == WatchOutcome.Closed ? "watch closed without progress" : "watch failed", ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    Log.LoopFailed(_logger, _resourceName, needList ? "list" : "watch", e);
                    await BackOffAsync(e.GetType().Name, ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped while backing off.
        }
        finally
        {
            _state = InformerState.Stopped;
            Log.Stopped(_logger, _resourceName);
        }
    }

    private async Task BackOffAsync(string reason, CancellationToken ct)
    {
        _state = InformerState.BackingOff;
        var delay = _backoff.Next();
        Log.BackingOff(_logger, _resourceName, reason, _backoff.Failures, delay);
        await Task.Delay(delay, _time, ct).ConfigureAwait(false);
    }

    private async Task RelistAsync(CancellationToken ct)
    {
        var fresh = new Dictionary<ObjectKey, T>();
        string? continueToken = null;
        string resourceVersion;
        do
        {
            var page = await _source.ListAsync(_labelSelector, continueToken, _options.PageSize, ct).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                _options.Transform?.Invoke(item);
                fresh[ObjectKey.Of(item)] = item;
            }

            continueToken = page.Continue;
            resourceVersion = page.ResourceVersion;
        }
        while (continueToken is not null);

        var events = new List<InformerEvent<T>>();
        lock (_gate)
        {
            foreach (var (key, old) in _cache)
            {
                if (!fresh.ContainsKey(key))
                {
                    events.Add(new InformerEvent<T>(WatchEventType.Deleted, old, null));
                }
            }

            foreach (var (key, item) in fresh)
            {
                if (!_cache.TryGetValue(key, out var old))
                {
                    events.Add(new InformerEvent<T>(WatchEventType.Added, null, item));
                }
                else if (old.Metadata?.ResourceVersion != item.Metadata?.ResourceVersion)
                {
                    events.Add(new InformerEvent<T>(WatchEventType.Modified, old, item));
                }
            }

            _cache.Clear();
            foreach (var (_, index) in _indexes) index.Entries.Clear();
            foreach (var (key, item) in fresh)
            {
                _cache[key] = item;
                Reindex(key, null, item);
            }
        }

        _lastSyncResourceVersion = resourceVersion;
        _backoff.Reset();
        Log.Listed(_logger, _resourceName, fresh.Count, resourceVersion);
        if (_synced.TrySetResult())
        {
            Log.Synced(_logger, _resourceName, fresh.Count);
        }

        foreach (var e in events)
        {
            Raise(e);
        }
    }

    private async Task<WatchOutcome> WatchAsync(CancellationToken ct)
    {
        _watchProgressed = false;
        Log.Watching(_logger, _resourceName, _lastSyncResourceVersion);
        await foreach (var e in _source.WatchAsync(_lastSyncResourceVersion, _labelSelector, ct).WithCancellation(ct).ConfigureAwait(false))
        {
            if (e.Type is WatchEventType.Added or WatchEventType.Modified or WatchEventType.Deleted && e.Object is not null)
            {
                _options.Transform?.Invoke(e.Object);
            }

            switch (e.Type)
            {
                case WatchEventType.Error:
                    if (IsExpired(e.Error))
                    {
                        return WatchOutcome.Expired;
                    }

                    Log.WatchError(_logger, _resourceName, e.Error?.Code, e.Error?.Reason, e.Error?.Message);
                    return WatchOutcome.Failed;
                case WatchEventType.Bookmark:
                    Advance(e.Object);
                    break;
                case WatchEventType.Added or WatchEventType.Modified when e.Object is not null:
                    T? old;
                    lock (_gate)
                    {
                        _cache.TryGetValue(ObjectKey.Of(e.Object), out old);
                        _cache[ObjectKey.Of(e.Object)] = e.Object;
                        Reindex(ObjectKey.Of(e.Object), old, e.Object);
                    }

                    Advance(e.Object);
                    Raise(new InformerEvent<T>(old is null ? WatchEventType.Added : WatchEventType.Modified, old, e.Object));
                    break;
                case WatchEventType.Deleted when e.Object is not null:
                    lock (_gate)
                    {
                        if (_cache.Remove(ObjectKey.Of(e.Object), out var gone)) Reindex(ObjectKey.Of(e.Object), gone, null);
                    }

                    Advance(e.Object);
                    Raise(new InformerEvent<T>(WatchEventType.Deleted, e.Object, null));
                    break;
            }
        }

        return WatchOutcome.Closed;
    }

    // Moves an object's index entries from its old to its new version; under _gate.
    private void Reindex(ObjectKey key, T? old, T? current)
    {
        foreach (var (_, (valuesOf, entries)) in _indexes)
        {
            var before = old is null ? [] : valuesOf(old);
            var after = current is null ? [] : valuesOf(current);
            if (old is not null && before.SequenceEqual(after, StringComparer.Ordinal)) continue;
            foreach (var value in before)
            {
                if (after.Contains(value, StringComparer.Ordinal)) continue;
                ref var was = ref CollectionsMarshal.GetValueRefOrNullRef(entries, value);
                if (!Unsafe.IsNullRef(ref was) && was.Remove(key) && was.IsEmpty) entries.Remove(value);
            }

            // Adding a key a value already holds changes nothing, so a value listed twice is harmless.
            foreach (var value in after) CollectionsMarshal.GetValueRefOrAddDefault(entries, value, out _).Add(key);
        }
    }

    private void Advance(T? obj)
    {
        _watchProgressed = true;
        if (obj?.Metadata?.ResourceVersion is { Length: > 0 } rv)
        {
            _lastSyncResourceVersion = rv;
        }
    }

    private static bool IsExpired(V1Status? status) =>
        status is not null && (status.Code == (int)HttpStatusCode.Gone || status.Reason is "Expired" or "Gone");

    private void Raise(InformerEvent<T> e)
    {
        if (Changed is not { } handlers)
        {
            return;
        }

        // Each handler is isolated: one that throws must not starve the others nor kill the loop.
        foreach (var handler in handlers.GetInvocationList().Cast<Action<InformerEvent<T>>>())
        {
            try
            {
                handler(e);
            }
            catch (Exception ex)
            {
                Log.HandlerFailed(_logger, _resourceName, e.Type, ex);
            }
        }
    }

    private enum WatchOutcome
    {
        Closed,
        Expired,
        Failed,
    }
}
