using Microsoft.Extensions.Time.Testing;
using ServiceTokenOperator.Observability;

namespace ServiceTokenOperator.Tests.Observability;

public sealed class EventCorrelatorTests
{
    private static readonly EventKey Failure = new("uid-1", "Warning", "VendorUnavailable", "PlanetScale returned 503");

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Correlate_RepeatsOfAWrittenEvent_PatchItWithARisingCount()
    {
        var correlator = new EventCorrelator(_time);

        Assert.Equal(EventAction.Create, correlator.Correlate(Failure).Action);
        correlator.Written(Failure, "default", "t1.abc");

        Assert.Equal(new EventDecision(EventAction.Patch, Failure, Failure.Message, "default", "t1.abc", 2), correlator.Correlate(Failure));
        Assert.Equal(new EventDecision(EventAction.Patch, Failure, Failure.Message, "default", "t1.abc", 3), correlator.Correlate(Failure));
    }

    [Fact]
    public void Correlate_DifferentMessage_CreatesANewEvent()
    {
        var correlator = new EventCorrelator(_time);
        correlator.Correlate(Failure);
        correlator.Written(Failure, "default", "t1.abc");

        Assert.Equal(EventAction.Create, correlator.Correlate(Failure with { Message = "PlanetScale returned 500" }).Action);
    }

    [Fact]
    public void Correlate_BurstSpent_DropsUntilTheBucketRefills()
    {
        var correlator = new EventCorrelator(_time, burst: 3, refill: TimeSpan.FromMinutes(5));
        correlator.Written(Failure, "default", "t1.abc");

        for (var i = 0; i < 3; i++) Assert.Equal(EventAction.Patch, correlator.Correlate(Failure).Action);
        Assert.Equal(EventAction.Drop, correlator.Correlate(Failure).Action);
        Assert.Equal(EventAction.Create, correlator.Correlate(Failure with { InvolvedUid = "uid-2" }).Action);

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(EventAction.Patch, correlator.Correlate(Failure).Action);
        Assert.Equal(EventAction.Drop, correlator.Correlate(Failure).Action);
    }

    [Fact]
    public void Correlate_TenDifferentMessagesOfOneReason_FurtherOnesCombinedIntoOneEvent()
    {
        var correlator = new EventCorrelator(_time, burst: 100);
        for (var i = 0; i < 9; i++)
        {
            var own = correlator.Correlate(Failure with { Message = $"attempt {i}" });
            Assert.Equal((EventAction.Create, $"attempt {i}"), (own.Action, own.Message));
            correlator.Written(own.Key, "default", $"t1.{i}");
        }

        var combined = correlator.Correlate(Failure with { Message = "attempt 9" });
        Assert.Equal((EventAction.Create, EventCorrelator.CombinedPrefix + "attempt 9"), (combined.Action, combined.Message));
        correlator.Written(combined.Key, "default", "t1.combined");

        var next = correlator.Correlate(Failure with { Message = "attempt 10" });
        Assert.Equal((EventAction.Patch, "t1.combined", 2, EventCorrelator.CombinedPrefix + "attempt 10"), (next.Action, next.Name, next.Count, next.Message));

        // Ten quiet minutes later each message stands on its own again.
        _time.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal("attempt 11", correlator.Correlate(Failure with { Message = "attempt 11" }).Message);
    }

    [Fact]
    public void Forget_ExpiredEvent_NextRepeatCreatesAgain()
    {
        var correlator = new EventCorrelator(_time);
        correlator.Written(Failure, "default", "t1.abc");

        correlator.Forget(Failure);

        Assert.Equal(EventAction.Create, correlator.Correlate(Failure).Action);
    }

    [Fact]
    public void Written_BeyondCapacity_ForgetsTheLeastRecentlySeen()
    {
        var correlator = new EventCorrelator(_time, capacity: 2);
        var a = Failure with { InvolvedUid = "a" };
        var b = Failure with { InvolvedUid = "b" };
        var c = Failure with { InvolvedUid = "c" };
        correlator.Written(a, "default", "a.1");
        correlator.Written(b, "default", "b.1");
        correlator.Correlate(a);

        correlator.Written(c, "default", "c.1");

        Assert.Equal(EventAction.Patch, correlator.Correlate(a).Action);
        Assert.Equal(EventAction.Create, correlator.Correlate(b).Action);
    }
}
