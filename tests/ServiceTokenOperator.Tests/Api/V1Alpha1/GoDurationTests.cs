using ServiceTokenOperator.Api.V1Alpha1;

namespace ServiceTokenOperator.Tests.Api.V1Alpha1;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("2400h", 2400 * 3600.0)]
    [InlineData("90m", 5400.0)]
    [InlineData("1h30m", 5400.0)]
    [InlineData("1.5s", 1.5)]
    [InlineData("10s", 10.0)]
    [InlineData("250ms", 0.25)]
    [InlineData("1h0m0s", 3600.0)]
    [InlineData("0.5h", 1800.0)]
    [InlineData("2h45m30.5s", 9930.5)]
    public void TryParse_ValidDuration_ReturnsSeconds(string text, double seconds)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData("1500us", 15000)]
    [InlineData("1500µs", 15000)]
    [InlineData("300ns", 3)]
    [InlineData("150ns", 1)]
    public void TryParse_SubMillisecondUnits_ReturnsTicks(string text, long ticks)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(ticks, value.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("10")]
    [InlineData("h")]
    [InlineData("-5m")]
    [InlineData("+5m")]
    [InlineData("5 m")]
    [InlineData("1.h")]
    [InlineData(".5h")]
    [InlineData("5d")]
    [InlineData("1h30")]
    [InlineData("P1D")]
    [InlineData("99999999999999999999h")]
    public void TryParse_InvalidDuration_ReturnsFalse(string? text)
    {
        Assert.False(GoDuration.TryParse(text, out _));
    }

    [Theory]
    [InlineData(0.0, "0s")]
    [InlineData(5400.0, "1h30m0s")]
    [InlineData(2400 * 3600.0, "2400h0m0s")]
    [InlineData(1.5, "1.5s")]
    [InlineData(61.0, "1m1s")]
    [InlineData(0.25, "250ms")]
    [InlineData(-90.0, "-1m30s")]
    public void Format_Duration_WritesGoStyle(double seconds, string expected)
    {
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Format_Microseconds_WritesMicroSign()
    {
        Assert.Equal("1.5µs", GoDuration.Format(TimeSpan.FromTicks(15)));
        Assert.Equal("100ns", GoDuration.Format(TimeSpan.FromTicks(1)));
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(12_345L)]
    [InlineData(TimeSpan.TicksPerHour * 2160 + 7)]
    [InlineData(TimeSpan.TicksPerMillisecond * 999)]
    [InlineData(TimeSpan.TicksPerDay * 10_000 + TimeSpan.TicksPerSecond / 3)]
    public void Format_ThenTryParse_RoundTrips(long ticks)
    {
        var value = TimeSpan.FromTicks(ticks);
        Assert.True(GoDuration.TryParse(GoDuration.Format(value), out var parsed));
        Assert.Equal(value, parsed);
    }
}
