using ServiceTokenOperator.Hosting;

namespace ServiceTokenOperator.Tests.Hosting;

public sealed class OperatorOptionsOrphanFlagsTests
{
    [Fact]
    public void Parse_NoFlags_DefaultsToHourlySweepAndTenMinuteWindow()
    {
        var (options, error) = OperatorOptions.Parse([], _ => null);
        Assert.Null(error);
        Assert.Equal(TimeSpan.FromHours(1), options!.OrphanSweepInterval);
        Assert.Equal(TimeSpan.FromMinutes(10), options.OrphanSafetyWindow);
    }

    [Fact]
    public void Parse_SecondsScaleValues_AreAccepted()
    {
        var (options, error) = OperatorOptions.Parse(["--orphan-sweep-interval", "5s", "--orphan-safety-window=2s"], _ => null);
        Assert.Null(error);
        Assert.Equal(TimeSpan.FromSeconds(5), options!.OrphanSweepInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), options.OrphanSafetyWindow);
    }

    [Theory]
    [InlineData("--orphan-sweep-interval=0s", "--orphan-sweep-interval")]
    [InlineData("--orphan-safety-window=soon", "--orphan-safety-window")]
    public void Parse_BadDuration_NamesTheFlag(string arg, string flag)
    {
        var (options, error) = OperatorOptions.Parse([arg], _ => null);
        Assert.Null(options);
        Assert.StartsWith(flag, error, StringComparison.Ordinal);
    }
}
