using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ServiceTokenOperator.Hosting;
using ServiceTokenOperator.Tests.Runtime;

namespace ServiceTokenOperator.Tests.Hosting;

public sealed class IdleMemoryTrimmerTests
{
    private const long Mb = 1024 * 1024;
    private readonly FakeTimeProvider _time = new();
    private long _allocated;
    private int _collections;
    private int _reads;

    private IdleMemoryTrimmer Trimmer() => new(_time, NullLogger<IdleMemoryTrimmer>.Instance, ReadAllocated, () => Interlocked.Increment(ref _collections));

    private long ReadAllocated()
    {
        Interlocked.Increment(ref _reads);
        return Interlocked.Read(ref _allocated);
    }

    [Theory]
    [InlineData(0, 0, false)]
    [InlineData(15, 0, false)] // too little work since the last trim to be worth a full GC
    [InlineData(24, 1, true)] // e.g. the watch events of 10,000 Secrets appearing, then quiet
    [InlineData(500, 40, false)] // still busy: the last interval allocated more than 1/16 of the work
    [InlineData(500, 20, true)] // a burst, then quiet
    public void Tick_AfterWorkAndALastInterval_TrimsOnlyWhenQuietAfterABurst(long workMb, long lastIntervalMb, bool trims)
    {
        var trimmer = Trimmer();
        _allocated = (workMb - lastIntervalMb) * Mb;
        trimmer.Tick();
        _allocated = workMb * Mb;

        Assert.Equal(trims, trimmer.Tick());
        Assert.Equal(trims ? 1 : 0, _collections);
    }

    [Fact]
    public void Tick_AfterATrim_WaitsForTheNextBurst()
    {
        var trimmer = Trimmer();
        _allocated = 200 * Mb;
        trimmer.Tick();
        Assert.True(trimmer.Tick());

        _allocated += 10 * Mb;
        Assert.False(trimmer.Tick());
        Assert.False(trimmer.Tick());
        Assert.Equal(1, _collections);
    }

    [Fact]
    public void TrimNow_AfterTheStartupLists_CollectsOnceAndTheQuietTicksAfterDoNot()
    {
        var trimmer = Trimmer();
        _allocated = 200 * Mb;

        trimmer.TrimNow("Caches synced");
        Assert.Equal(1, _collections);

        Assert.False(trimmer.Tick());
        Assert.False(trimmer.Tick());
        Assert.Equal(1, _collections);
    }

    [Fact]
    public async Task ExecuteAsync_QuietIntervalAfterABurst_CollectsOnTheTimer()
    {
        using var trimmer = Trimmer();
        await trimmer.StartAsync(CancellationToken.None);
        // ExecuteAsync runs in the background: its first read comes just before it creates the timer.
        await Eventually.TrueAsync(() => Volatile.Read(ref _reads) == 1, "the trimmer has started");
        Interlocked.Add(ref _allocated, 300 * Mb);

        // The first tick sees the burst still going on (one read at start, one per tick).
        _time.Advance(IdleMemoryTrimmer.Interval);
        await Eventually.TrueAsync(() => Volatile.Read(ref _reads) == 2, "the first tick is taken");
        Assert.Equal(0, Volatile.Read(ref _collections));
        _time.Advance(IdleMemoryTrimmer.Interval);
        await Eventually.TrueAsync(() => Volatile.Read(ref _collections) == 1, "the quiet interval after the burst trims");

        await trimmer.StopAsync(CancellationToken.None);
    }
}
