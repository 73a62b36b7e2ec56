using ServiceTokenOperator.Controllers;

namespace ServiceTokenOperator.Tests.Controllers;

/// <summary>Cron schedules in IANA time zones, across daylight-saving transitions (Europe/Berlin: 2026-03-29 and 2026-10-25).</summary>
public sealed class CronScheduleTests
{
    private static CronSchedule Parse(string text, string? zone = null)
    {
        var (schedule, error) = CronSchedule.Parse(text, zone);
        Assert.Null(error);
        return schedule!;
    }

    private static List<DateTimeOffset> Fires(CronSchedule schedule, DateTimeOffset from, DateTimeOffset to)
    {
        var fires = new List<DateTimeOffset>();
        for (var t = schedule.NextAfter(from); t < to; t = schedule.NextAfter(t)) fires.Add(t);
        return fires;
    }

    [Fact]
    public void NextAfter_NoTimeZone_IsUtc()
    {
        var next = Parse("0 3 * * *").NextAfter(new DateTimeOffset(2026, 11, 23, 4, 0, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero), next);
    }

    [Fact]
    public void NextAfter_WallClockTime_FollowsTheZoneAcrossTheSpringChange()
    {
        var schedule = Parse("0 9 * * *", "Europe/Berlin");

        var fires = Fires(schedule, new DateTimeOffset(2026, 3, 28, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 31, 0, 0, 0, TimeSpan.Zero));

        // 09:00 CET is 08:00 UTC before the change; 09:00 CEST is 07:00 UTC after it.
        Assert.Equal(
            [new DateTimeOffset(2026, 3, 28, 8, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 29, 7, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 30, 7, 0, 0, TimeSpan.Zero)],
            fires);
    }

    [Fact]
    public void NextAfter_TimeInTheRepeatedAutumnHour_FiresOnceThatDay()
    {
        var schedule = Parse("30 2 * * *", "Europe/Berlin");

        // 2026-10-25 02:30 local happens twice (00:30 UTC in CEST, 01:30 UTC in CET).
        var fires = Fires(schedule, new DateTimeOffset(2026, 10, 24, 22, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 25, 22, 0, 0, TimeSpan.Zero));

        Assert.Single(fires);
    }

    [Fact]
    public void NextAfter_TimeInTheSkippedSpringHour_FiresAtMostOnceAndResumesNextDay()
    {
        var schedule = Parse("30 2 * * *", "Europe/Berlin");

        // 2026-03-29 02:30 local does not exist (clocks jump from 02:00 to 03:00).
        var sameDay = Fires(schedule, new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 29, 22, 0, 0, TimeSpan.Zero));
        var nextDay = schedule.NextAfter(new DateTimeOffset(2026, 3, 29, 22, 0, 0, TimeSpan.Zero));

        Assert.True(sameDay.Count <= 1);
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 0, 30, 0, TimeSpan.Zero), nextDay);
    }

    [Theory]
    [InlineData("0 3 * *", null, "five fields")]
    [InlineData("61 3 * * *", null, "not a valid cron expression")]
    [InlineData("0 3 * * *", "Mars/Olympus_Mons", "time zone")]
    public void Parse_BadInput_ExplainsWhy(string text, string? zone, string expected)
    {
        var (schedule, error) = CronSchedule.Parse(text, zone);

        Assert.Null(schedule);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
