using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Benchmarks;

/// <summary>
/// Follows the ServiceTokens of one namespace through a watch (one request, not a poll that would load the API the
/// operator is measured against) and answers when every token satisfies a condition, with the time of the event
/// that completed it.
/// </summary>
internal sealed class TokenWatcher : IAsyncDisposable
{
    private readonly KubeClient _kube;
    private readonly string _path;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TokenState> _tokens = [];
    private readonly List<Waiter> _waiters = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public TokenWatcher(KubeClient kube, string @namespace)
    {
        _kube = kube;
        _path = $"/apis/servicetoken.dev/v1alpha1/namespaces/{@namespace}/servicetokens";
    }

    public async Task StartAsync(CancellationToken ct)
    {
        var rv = await ListAsync(ct);
        _loop = Task.Run(() => LoopAsync(rv, _stop.Token), CancellationToken.None);
    }

    public IReadOnlyList<TokenState> Snapshot()
    {
        lock (_gate) return [.. _tokens.Values];
    }

    /// <summary>
    /// Waits until <paramref name="expected"/> tokens satisfy <paramref name="condition"/>; returns the Stopwatch
    /// timestamp of the event that completed it, or null on timeout.
    /// </summary>
    public async Task<long?> WaitAllAsync(int expected, Func<TokenState, bool> condition, TimeSpan timeout)
    {
        var waiter = new Waiter(expected, condition);
        lock (_gate)
        {
            if (Satisfied(waiter)) return Stopwatch.GetTimestamp();
            _waiters.Add(waiter);
        }

        var done = await Task.WhenAny(waiter.Done.Task, Task.Delay(timeout));
        lock (_gate) _waiters.Remove(waiter);
        return done == waiter.Done.Task ? await waiter.Done.Task : null;
    }

    public int Count(Func<TokenState, bool> condition)
    {
        lock (_gate) return _tokens.Values.Count(condition);
    }

    private async Task<string> ListAsync(CancellationToken ct)
    {
        var list = await _kube.GetAsync(_path, ct);
        lock (_gate)
        {
            _tokens.Clear();
            foreach (var item in list["items"]!.AsArray().OfType<JsonObject>()) Apply("ADDED", item);
        }

        return list["metadata"]!["resourceVersion"]!.GetValue<string>();
    }

    private async Task LoopAsync(string rv, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var stream = await _kube.WatchAsync($"{_path}?watch=true&resourceVersion={rv}", ct);
                using var reader = new StreamReader(stream);
                while (await reader.ReadLineAsync(ct) is { } line)
                {
                    if (line.Length == 0) continue;
                    var e = (JsonObject)JsonNode.Parse(line)!;
                    var type = e["type"]!.GetValue<string>();
                    var obj = (JsonObject)e["object"]!;
                    if (type == "ERROR")
                    {
                        // 410 Gone: the resourceVersion is too old; start over from a list.
                        rv = await ListAsync(ct);
                        break;
                    }

                    rv = obj["metadata"]?["resourceVersion"]?.GetValue<string>() ?? rv;
                    if (type == "BOOKMARK") continue;
                    lock (_gate) Apply(type, obj);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                if (e is HttpRequestException { StatusCode: HttpStatusCode.Gone }) rv = await ListAsync(ct);
                await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
            }
        }
    }

    private void Apply(string type, JsonObject obj)
    {
        var state = TokenState.Of(obj);
        if (type == "DELETED") _tokens.Remove(state.Name);
        else _tokens[state.Name] = state;
        var now = Stopwatch.GetTimestamp();
        foreach (var waiter in _waiters.Where(Satisfied).ToList())
        {
            waiter.Done.TrySetResult(now);
            _waiters.Remove(waiter);
        }
    }

    private bool Satisfied(Waiter waiter) => _tokens.Values.Count(waiter.Condition) >= waiter.Expected;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        }

        _stop.Dispose();
    }

    private sealed record Waiter(int Expected, Func<TokenState, bool> Condition)
    {
        public TaskCompletionSource<long> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
