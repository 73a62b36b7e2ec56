using System.Globalization;
using System.Text;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>
/// Durations written the way Kubernetes users write them (Go's time.ParseDuration): a sequence of decimal
/// numbers with units ns, us (or µs), ms, s, m, h — for example 2400h, 90m, 1h30m, 1.5s. Signs and bare
/// numbers are not accepted: every duration in the API is positive and carries its unit
/// (pattern <c>^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$</c>).
/// </summary>
public static class GoDuration
{
    /// <summary>The CRD schema pattern of a duration field.</summary>
    public const string Pattern = @"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$";

    private const decimal TicksPerNanosecond = 0.01m;

    /// <summary>Parses <paramref name="s"/>; fractions finer than a tick (100 ns) are dropped.</summary>
    public static bool TryParse(string? s, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrEmpty(s)) return false;

        decimal ticks = 0;
        var i = 0;
        try
        {
            while (i < s.Length)
            {
                var start = i;
                while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
                if (i == start) return false;
                if (i < s.Length && s[i] == '.')
                {
                    i++;
                    var fractionStart = i;
                    while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
                    if (i == fractionStart) return false;
                }

                // decimal keeps 28 digits: longer numbers cannot be a sensible duration anyway.
                if (i - start > 28) return false;
                var number = decimal.Parse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

                var unitStart = i;
                while (i < s.Length && !char.IsAsciiDigit(s[i])) i++;
                decimal? ticksPerUnit = s[unitStart..i] switch
                {
                    "ns" => TicksPerNanosecond,
                    "us" or "µs" or "μs" => TimeSpan.TicksPerMicrosecond,
                    "ms" => TimeSpan.TicksPerMillisecond,
                    "s" => TimeSpan.TicksPerSecond,
                    "m" => TimeSpan.TicksPerMinute,
                    "h" => TimeSpan.TicksPerHour,
                    _ => null,
                };
                if (ticksPerUnit is null) return false;
                ticks += number * ticksPerUnit.Value;
                if (ticks > TimeSpan.MaxValue.Ticks) return false;
            }
        }
        catch (OverflowException)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)decimal.Truncate(ticks));
        return true;
    }

    /// <summary>
    /// Go's Duration.String(): 2400h0m0s, 1h30m0s, 1.5s, 250ms, 0s. Whatever it writes, <see cref="TryParse"/>
    /// reads back to the same value (negative values get a leading '-', which TryParse rejects).
    /// </summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero) return "0s";
        var builder = new StringBuilder();
        if (value < TimeSpan.Zero) builder.Append('-');

        // Ticks as an unsigned magnitude: TimeSpan.MinValue has no positive counterpart.
        var ticks = value.Ticks < 0 ? (ulong)(-(value.Ticks + 1)) + 1 : (ulong)value.Ticks;
        if (ticks < TimeSpan.TicksPerSecond)
        {
            // Below one second Go picks the largest unit that keeps an integer part: ms, µs, ns.
            var (unitTicks, unit) = ticks >= TimeSpan.TicksPerMillisecond ? ((ulong)TimeSpan.TicksPerMillisecond, "ms")
                : ticks >= TimeSpan.TicksPerMicrosecond ? ((ulong)TimeSpan.TicksPerMicrosecond, "µs")
                : (0UL, "ns");
            if (unitTicks == 0) return builder.Append((ticks * 100).ToString(CultureInfo.InvariantCulture)).Append("ns").ToString();
            AppendFraction(builder, ticks, unitTicks);
            return builder.Append(unit).ToString();
        }

        var hours = ticks / (ulong)TimeSpan.TicksPerHour;
        var minutes = ticks / (ulong)TimeSpan.TicksPerMinute % 60;
        var secondTicks = ticks % (ulong)TimeSpan.TicksPerMinute;
        if (hours > 0) builder.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        if (hours > 0 || minutes > 0) builder.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        AppendFraction(builder, secondTicks, (ulong)TimeSpan.TicksPerSecond);
        return builder.Append('s').ToString();
    }

    private static void AppendFraction(StringBuilder builder, ulong ticks, ulong unitTicks)
    {
        builder.Append((ticks / unitTicks).ToString(CultureInfo.InvariantCulture));
        var remainder = ticks % unitTicks;
        if (remainder == 0) return;
        var digits = unitTicks.ToString(CultureInfo.InvariantCulture).Length - 1;
        builder.Append('.').Append(remainder.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0'));
    }
}
