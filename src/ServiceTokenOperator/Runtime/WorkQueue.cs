using Microsoft.Extensions.Logging.Abstractions;

namespace ServiceTokenOperator.Runtime;

/// <summary>
/// A rate-limited, delaying work queue with controller-runtime semantics: a key is queued at most once (dirty
/// set); a key added while it is being processed runs once more afterwards and never concurrently with itself;
/// failures back off per key exponentially (base × 2^failures, capped) until <see cref="Forget"/>; AddAfter keeps
/// the earliest pending time per key. <see cref="ShutDown"/> stops handing out keys; in-flight work finishes.
/// </summary>
internal sealed class WorkQueue<TKey> : IDisposable where TKey : notnull
{
    private readonly TimeProvider _time;
    private readonly WorkQueueOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Queue<TKey> _queue = new();
    private readonly HashSet<TKey> _dirty = [];
    private readonly HashSet<TKey> _processing = [];
    private readonly Dictionary<TKey, int> _failures = [];
    private readonly Dictionary<TKey, DateTimeOffset> _waiting = [];
    private readonly PriorityQueue<TKey, DateTimeOffset> _waitingByTime = new();
    private readonly SemaphoreSlim _ready = new(0);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ITimer _timer;
    private DateTimeOffset? _timerDue;
    private bool _shuttingDown;

    public WorkQueue(TimeProvider time, WorkQueueOptions options, ILogger? logger = null)
    {
        _time = time;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _timer = time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Raised after each reconcile, on the worker, for metrics: key, result, duration, and the exception if it threw.</summary>
    public event Action<ReconcileReport<TKey>>? Reconciled;

    /// <summary>Keys ready to be handed out (not counting those being processed or waiting for a delay).</summary>
    public int Depth
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Keys waiting for an AddAfter or a backoff delay.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    public bool IsShuttingDown
    {
        get
        {
            lock (_gate)
            {
                return _shuttingDown;
            }
        }
    }

    public void Add(TKey key)
    {
        lock (_gate)
        {
            if (_shuttingDown || !_dirty.Add(key) || _processing.Contains(key))
            {
                // Already queued, or being processed: Done re-queues it once the current run ends.
                return;
            }

            _queue.Enqueue(key);
        }

        _ready.Release();
    }

    /// <summary>Adds the key after <paramref name="delay"/>; if the key already waits for an earlier time, that one wins.</summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            var readyAt = _time.GetUtcNow() + delay;
            if (_waiting.TryGetValue(key, out var pending) && pending <= readyAt)
            {
                return;
            }

            _waiting[key] = readyAt;
            _waitingByTime.Enqueue(key, readyAt);
            if (_timerDue is null || readyAt < _timerDue)
            {
                _timerDue = readyAt;
                _timer.Change(delay, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Adds the key after its backoff delay and counts one more failure.</summary>
    public void AddRateLimited(TKey key) => AddAfter(key, NextBackoff(key));

    /// <summary>Clears the key's failure count, so its next backoff starts from the base delay.</summary>
    public void Forget(TKey key)
    {
        lock (_gate)
        {
            _failures.Remove(key);
        }
    }

    public int NumRequeues(TKey key)
    {
        lock (_gate)
        {
            return _failures.GetValueOrDefault(key);
        }
    }

    /// <summary>
    /// Runs <paramref name="workers"/> loops handing keys to <paramref name="handler"/> until <paramref name="ct"/>
    /// is cancelled or the queue is shut down, then waits for in-flight handlers. A handler that throws counts as failed.
    /// </summary>
    public async Task RunAsync(int workers, Func<TKey, CancellationToken, Task<ReconcileResult>> handler, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(ct, _shutdown.Token);
        var loops = new Task[workers];
        for (var i = 0; i < workers; i++)
        {
            loops[i] = Task.Run(() => WorkerAsync(handler, waiting.Token, ct), CancellationToken.None);
        }

        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    /// <summary>Stops handing out keys and ignores new ones; handlers already running finish.</summary>
    public void ShutDown()
    {
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            _shuttingDown = true;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        _shutdown.Cancel();
    }

    public void Dispose()
    {
        ShutDown();
        _timer.Dispose();
        _shutdown.Dispose();
        _ready.Dispose();
    }

    private TimeSpan NextBackoff(TKey key)
    {
        int failures;
        lock (_gate)
        {
            failures = _failures.GetValueOrDefault(key);
            _failures[key] = failures + 1;
        }

        var ticks = _options.BaseDelay.Ticks * Math.Pow(2, Math.Min(failures, 62));
        var delay = ticks >= _options.MaxDelay.Ticks ? _options.MaxDelay : TimeSpan.FromTicks((long)ticks);
        // Jitter on top of the cap: the cap bounds the wait to MaxDelay × (1 + Jitter).
        return _options.Jitter > 0 ? delay + TimeSpan.FromTicks((long)(delay.Ticks * _options.Jitter * Random.Shared.NextDouble())) : delay;
    }

    private async Task WorkerAsync(Func<TKey, CancellationToken, Task<ReconcileResult>> handler, CancellationToken waiting, CancellationToken ct)
    {
        while (await NextAsync(waiting).ConfigureAwait(false) is (true, var key))
        {
            try
            {
                var started = _time.GetTimestamp();
                ReconcileResult result;
                Exception? failure = null;
                try
                {
                    result = await handler(key, ct).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    Log.ReconcileThrew(_logger, key.ToString() ?? string.Empty, e);
                    result = ReconcileResult.Failed();
                    failure = e;
                }

                Apply(key, result);
                Report(new ReconcileReport<TKey>(key, result, _time.GetElapsedTime(started), failure));
            }
            finally
            {
                Done(key);
            }
        }
    }

    private void Report(ReconcileReport<TKey> report)
    {
        try
        {
            Reconciled?.Invoke(report);
        }
        catch (Exception e)
        {
            // A metrics bug must not take a worker down.
            Log.ReportFailed(_logger, e);
        }
    }

    private void Apply(TKey key, ReconcileResult result)
    {
        switch (result.Outcome)
        {
            case ReconcileOutcome.Done:
                Forget(key);
                break;
            case ReconcileOutcome.RequeueAfter:
                Forget(key);
                AddAfter(key, result.Delay ?? TimeSpan.Zero);
                break;
            default:
                var backoff = NextBackoff(key);
                AddAfter(key, result.Delay is { } retryAfter && retryAfter > backoff ? retryAfter : backoff);
                break;
        }
    }

    private async Task<(bool Ok, TKey Key)> NextAsync(CancellationToken waiting)
    {
        while (true)
        {
            try
            {
                await _ready.WaitAsync(waiting).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return (false, default!);
            }

            lock (_gate)
            {
                if (_shuttingDown)
                {
                    return (false, default!);
                }

                if (_queue.TryDequeue(out var key))
                {
                    _dirty.Remove(key);
                    _processing.Add(key);
                    return (true, key);
                }
            }
        }
    }

    private void Done(TKey key)
    {
        lock (_gate)
        {
            _processing.Remove(key);
            if (_shuttingDown || !_dirty.Contains(key))
            {
                return;
            }

            // Added again while it was being processed: run it once more, now that this run is over.
            _queue.Enqueue(key);
        }

        _ready.Release();
    }

    private void OnTimer()
    {
        var due = new List<TKey>();
        lock (_gate)
        {
            _timerDue = null;
            if (_shuttingDown)
            {
                return;
            }

            var now = _time.GetUtcNow();
            while (_waitingByTime.TryPeek(out var key, out var readyAt))
            {
                var current = _waiting.TryGetValue(key, out var pending) && pending == readyAt;
                if (current && readyAt > now)
                {
                    _timerDue = readyAt;
                    _timer.Change(readyAt - now, Timeout.InfiniteTimeSpan);
                    break;
                }

                // Either due now, or a stale entry superseded by an earlier AddAfter of the same key.
                _waitingByTime.Dequeue();
                if (current)
                {
                    _waiting.Remove(key);
                    due.Add(key);
                }
            }
        }

        foreach (var key in due)
        {
            Add(key);
        }
    }
}
