using System.Collections.Concurrent;
using ServiceTokenOperator.Runtime;

namespace ServiceTokenOperator.Tests.Runtime;

public sealed class WorkQueueTests : IDisposable
{
    private readonly RecordingTimeProvider _time = new();
    private readonly WorkQueue<string> _queue;
    private readonly ConcurrentQueue<string> _handled = new();
    private readonly CancellationTokenSource _stop = new();

    public WorkQueueTests()
    {
        _queue = new WorkQueue<string>(_time, new WorkQueueOptions { BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(40) });
    }

    public void Dispose()
    {
        _stop.Cancel();
        _queue.Dispose();
        _stop.Dispose();
    }

    [Fact]
    public async Task Add_SameKeyTwiceBeforeProcessing_ProcessedOnce()
    {
        _queue.Add("a");
        _queue.Add("a");
        _queue.Add("b");
        Assert.Equal(2, _queue.Depth);

        var run = _queue.RunAsync(2, Record(ReconcileResult.Done), _stop.Token);
        await Eventually.TrueAsync(() => _handled.Count == 2, "both keys are handled");
        _queue.ShutDown();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["a", "b"], _handled.Order());
    }

    [Fact]
    public async Task Add_WhileKeyIsProcessing_RunsOnceMoreAfterwards_NeverConcurrently()
    {
        var firstRun = new TaskCompletionSource();
        var calls = 0;
        var inFlight = 0;
        var maxInFlight = 0;
        var run = _queue.RunAsync(4, async (key, ct) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            if (Interlocked.Increment(ref calls) == 1)
            {
                await firstRun.Task;
            }

            Interlocked.Decrement(ref inFlight);
            return ReconcileResult.Done;
        }, _stop.Token);

        _queue.Add("a");
        await Eventually.TrueAsync(() => Volatile.Read(ref calls) == 1, "the first run starts");
        _queue.Add("a");
        _queue.Add("a");
        _queue.Add("a");
        Assert.Equal(0, _queue.Depth);

        firstRun.SetResult();
        await Eventually.TrueAsync(() => Volatile.Read(ref calls) == 2, "the key runs again");
        await Eventually.TrueAsync(() => Volatile.Read(ref inFlight) == 0, "the second run ends");
        _queue.ShutDown();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, calls);
        Assert.Equal(1, maxInFlight);
    }

    [Fact]
    public async Task RunAsync_ManyKeys_NeverExceedsWorkerCount()
    {
        var gate = new TaskCompletionSource();
        var inFlight = 0;
        var maxInFlight = 0;
        for (var i = 0; i < 10; i++)
        {
            _queue.Add($"k{i}");
        }

        var run = _queue.RunAsync(3, async (key, ct) =>
        {
            InterlockedMax(ref maxInFlight, Interlocked.Increment(ref inFlight));
            await gate.Task;
            Interlocked.Decrement(ref inFlight);
            _handled.Enqueue(key);
            return ReconcileResult.Done;
        }, _stop.Token);

        await Eventually.TrueAsync(() => Volatile.Read(ref inFlight) == 3, "three workers are busy");
        Assert.Equal(7, _queue.Depth);

        gate.SetResult();
        await Eventually.TrueAsync(() => _handled.Count == 10, "every key is handled");
        _queue.ShutDown();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(3, maxInFlight);
    }

    [Fact]
    public void AddRateLimited_RepeatedFailures_DelayDoublesToTheCap()
    {
        var delays = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            _queue.AddRateLimited("a");
            delays.Add(MillisecondsUntilReady());
        }

        Assert.Equal([5, 10, 20, 40, 40, 40], delays);
        Assert.Equal(6, _queue.NumRequeues("a"));
    }

    [Fact]
    public void Forget_AfterFailures_ResetsBackoffToBase()
    {
        _queue.AddRateLimited("a");
        _time.Advance(TimeSpan.FromMilliseconds(5));
        _queue.AddRateLimited("a");
        _time.Advance(TimeSpan.FromMilliseconds(10));

        _queue.Forget("a");
        _queue.AddRateLimited("a");

        Assert.Equal(5, MillisecondsUntilReady());
        Assert.Equal(1, _queue.NumRequeues("a"));
    }

    [Fact]
    public void AddRateLimited_KeysBackOffIndependently()
    {
        _queue.AddRateLimited("a");
        _time.Advance(TimeSpan.FromMilliseconds(5));
        _queue.AddRateLimited("a");

        _queue.AddRateLimited("b");

        Assert.Equal(2, _queue.NumRequeues("a"));
        Assert.Equal(1, _queue.NumRequeues("b"));
        _time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(2, _queue.Depth);
        Assert.Equal(1, _queue.Waiting);
    }

    [Fact]
    public void AddAfter_FiresAtTheRightTime()
    {
        _queue.AddAfter("a", TimeSpan.FromSeconds(30));
        _queue.AddAfter("b", TimeSpan.FromSeconds(10));

        _time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        Assert.Equal(0, _queue.Depth);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(1, _queue.Depth);
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(2, _queue.Depth);
        Assert.Equal(0, _queue.Waiting);
    }

    [Fact]
    public void AddAfter_SameKeyTwice_EarliestWins()
    {
        _queue.AddAfter("a", TimeSpan.FromSeconds(10));
        _queue.AddAfter("a", TimeSpan.FromSeconds(5));
        _queue.AddAfter("a", TimeSpan.FromSeconds(20));

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, _queue.Depth);
        Assert.Equal(0, _queue.Waiting);
    }

    [Fact]
    public void AddAfter_ZeroDelay_AddsAtOnce()
    {
        _queue.AddAfter("a", TimeSpan.Zero);

        Assert.Equal(1, _queue.Depth);
    }

    [Fact]
    public async Task RequeueAfter_ForgetsFailuresAndComesBackAfterTheDelay()
    {
        _queue.AddRateLimited("a");
        _time.Advance(TimeSpan.FromMilliseconds(5));
        var results = new Queue<ReconcileResult>([ReconcileResult.RequeueAfter(TimeSpan.FromMinutes(30)), ReconcileResult.Done]);
        var run = _queue.RunAsync(1, Record(() => results.Dequeue()), _stop.Token);

        await Eventually.TrueAsync(() => _queue.Waiting == 1 && _handled.Count == 1, "the key waits for its requeue");
        Assert.Equal(0, _queue.NumRequeues("a"));
        _time.Advance(TimeSpan.FromMinutes(30) - TimeSpan.FromTicks(1));
        Assert.Single(_handled);
        _time.Advance(TimeSpan.FromTicks(1));
        await Eventually.TrueAsync(() => _handled.Count == 2, "the key runs again after 30 minutes");
        _queue.ShutDown();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Failed_WithRetryAfterLongerThanBackoff_WaitsForRetryAfter()
    {
        _queue.Add("a");
        var results = new Queue<ReconcileResult>([ReconcileResult.Failed(TimeSpan.FromSeconds(10)), ReconcileResult.Done]);
        var run = _queue.RunAsync(1, Record(() => results.Dequeue()), _stop.Token);

        await Eventually.TrueAsync(() => _queue.Waiting == 1, "the failed key waits");
        Assert.Equal(1, _queue.NumRequeues("a"));
        _time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        Assert.Single(_handled);
        _time.Advance(TimeSpan.FromTicks(1));
        await Eventually.TrueAsync(() => _handled.Count == 2, "the key is retried after Retry-After");
        await Eventually.TrueAsync(() => _queue.NumRequeues("a") == 0, "success forgets the failures");
        _queue.ShutDown();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Failed_WithRetryAfterShorterThanBackoff_WaitsForBackoff()
    {
        using var queue = new WorkQueue<string>(_time, new WorkQueueOptions { BaseDelay = TimeSpan.FromMinutes(1), MaxDelay = TimeSpan.FromMinutes(5) });
        queue.Add("a");
        var calls = 0;
        var run = queue.RunAsync(1, (_, _) => Task.FromResult(Interlocked.Increment(ref calls) == 1 ? ReconcileResult.Failed(TimeSpan.FromSeconds(1)) : ReconcileResult.Done), _stop.Token);

        await Eventually.TrueAsync(() => queue.Waiting == 1, "the failed key waits");
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(1, Volatile.Read(ref calls));
        _time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => Volatile.Read(ref calls) == 2, "the key is retried after the backoff");
        queue.ShutDown();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task HandlerThrows_TreatedAsFailure_RetriedWithBackoff()
    {
        _queue.Add("a");
        var calls = 0;
        var run = _queue.RunAsync(1, (_, _) => Interlocked.Increment(ref calls) == 1
            ? throw new InvalidOperationException("bug")
            : Task.FromResult(ReconcileResult.Done), _stop.Token);

        await Eventually.TrueAsync(() => _queue.Waiting == 1, "the key waits for its retry");
        Assert.Equal(1, _queue.NumRequeues("a"));
        _time.Advance(TimeSpan.FromMilliseconds(5));
        await Eventually.TrueAsync(() => Volatile.Read(ref calls) == 2, "the key is retried");
        _queue.ShutDown();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Reconciled_ReportsResultDurationAndException()
    {
        var reports = new ConcurrentQueue<ReconcileReport<string>>();
        _queue.Reconciled += reports.Enqueue;
        _queue.Add("ok");
        _queue.Add("bad");
        var run = _queue.RunAsync(1, (key, _) => key == "bad"
            ? throw new InvalidOperationException("bug")
            : Task.FromResult(ReconcileResult.RequeueAfter(TimeSpan.FromMinutes(1))), _stop.Token);

        await Eventually.TrueAsync(() => reports.Count == 2, "both reconciles are reported");
        _queue.ShutDown();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        var ok = Assert.Single(reports, r => r.Key == "ok");
        Assert.Equal(ReconcileOutcome.RequeueAfter, ok.Result.Outcome);
        Assert.Null(ok.Exception);
        var bad = Assert.Single(reports, r => r.Key == "bad");
        Assert.Equal(ReconcileOutcome.Failed, bad.Result.Outcome);
        Assert.IsType<InvalidOperationException>(bad.Exception);
    }

    [Fact]
    public async Task ShutDown_LetsInFlightFinish_HandsOutNoMoreKeys()
    {
        var gate = new TaskCompletionSource();
        var started = 0;
        var finished = 0;
        var cancelled = false;
        _queue.Add("a");
        var run = _queue.RunAsync(1, async (key, ct) =>
        {
            Interlocked.Increment(ref started);
            await gate.Task;
            cancelled = ct.IsCancellationRequested;
            Interlocked.Increment(ref finished);
            return ReconcileResult.Done;
        }, _stop.Token);
        await Eventually.TrueAsync(() => Volatile.Read(ref started) == 1, "the first key is in flight");
        _queue.Add("b");

        _queue.ShutDown();
        _queue.Add("c");

        Assert.False(run.IsCompleted);
        gate.SetResult();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, finished);
        Assert.False(cancelled);
        Assert.True(_queue.IsShuttingDown);
    }

    [Fact]
    public async Task RunAsync_Cancelled_Completes()
    {
        var run = _queue.RunAsync(2, Record(ReconcileResult.Done), _stop.Token);

        await _stop.CancelAsync();

        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private double MillisecondsUntilReady()
    {
        // Steps fake time until the waiting key becomes ready; returns how long that took.
        var waited = TimeSpan.Zero;
        while (_queue.Waiting > 0)
        {
            _time.Advance(TimeSpan.FromMilliseconds(1));
            waited += TimeSpan.FromMilliseconds(1);
        }

        return waited.TotalMilliseconds;
    }

    private Func<string, CancellationToken, Task<ReconcileResult>> Record(ReconcileResult result) => Record(() => result);

    private Func<string, CancellationToken, Task<ReconcileResult>> Record(Func<ReconcileResult> result) => (key, _) =>
    {
        var r = result();
        _handled.Enqueue(key);
        return Task.FromResult(r);
    };

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
