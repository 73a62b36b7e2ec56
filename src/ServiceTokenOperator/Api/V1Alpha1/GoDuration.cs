using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>Durations written the way Kubernetes users write them (Go's time.ParseDuration): 2160h, 10m, 1h30m, 90s.</summary>
public static partial class GoDuration
{
    /// <summary>Parses a positive Go duration.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text) || !Whole().IsMatch(text)) return false;
        double ticks = 0;
        foreach (Match part in Part().Matches(text))
        {
            var number = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            ticks += number * part.Groups[2].Value switch
            {
                "ns" => TimeSpan.TicksPerMillisecond / 1_000_000.0,
                "us" or "µs" => TimeSpan.TicksPerMillisecond / 1000.0,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerHour,
            };
            if (ticks > TimeSpan.MaxValue.Ticks) return false;
        }

        value = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    /// <summary>Formats like Go does for whole units: 2160h0m0s becomes 2160h, 90s becomes 1m30s.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero) return "0s";
        var text = new StringBuilder();
        var hours = (long)value.TotalHours;
        if (hours > 0) text.Append(hours).Append('h');
        if (value.Minutes > 0) text.Append(value.Minutes).Append('m');
        if (value.Seconds > 0 || value.Milliseconds > 0)
            text.Append(value.Milliseconds > 0 ? (value.Seconds + (value.Milliseconds / 1000.0)).ToString(CultureInfo.InvariantCulture) : value.Seconds.ToString(CultureInfo.InvariantCulture)).Append('s');
        return text.ToString();
    }

    [GeneratedRegex(@"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$")]
    private static partial Regex Whole();

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)")]
    private static partial Regex Part();
}
