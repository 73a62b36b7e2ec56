using Quartz;

namespace ServiceTokenOperator.Controllers;

/// <summary>
/// A five-field cron expression (minute hour day-of-month month day-of-week, as Kubernetes CronJobs write it) in an
/// IANA time zone, evaluated with Quartz's cron engine, which handles daylight-saving transitions.
/// </summary>
internal sealed class CronSchedule
{
    private readonly CronExpression _expression;

    private CronSchedule(CronExpression expression, string text)
    {
        _expression = expression;
        Text = text;
    }

    public string Text { get; }

    public static (CronSchedule? Schedule, string? Error) Parse(string text, string? timeZone)
    {
        TimeZoneInfo zone;
        try
        {
            zone = timeZone is null ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return (null, $"time zone \"{timeZone}\" is not a known IANA time zone");
        }

        if (text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length != 5)
            return (null, $"\"{text}\" must have five fields: minute hour day-of-month month day-of-week");
        if (!CronExpression.TryParse(text, CronFormat.Unix, out var parsed) || parsed is null)
            return (null, $"\"{text}\" is not a valid cron expression");
        var expression = parsed.WithTimeZone(zone);
        return expression.GetNextValidTimeAfter(DateTimeOffset.UnixEpoch) is null
            ? (null, $"\"{text}\" never fires")
            : (new CronSchedule(expression, text), null);
    }

    public DateTimeOffset NextAfter(DateTimeOffset time) => _expression.GetNextValidTimeAfter(time) ?? DateTimeOffset.MaxValue;
}
