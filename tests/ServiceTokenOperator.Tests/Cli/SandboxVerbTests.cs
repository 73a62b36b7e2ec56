using ServiceTokenOperator.Cli;

namespace ServiceTokenOperator.Tests.Cli;

/// <summary>Flag combinations the sandbox verb refuses before it opens any socket.</summary>
public sealed class SandboxVerbTests
{
    [Theory]
    [InlineData("--listen", "0.0.0.0")]
    [InlineData("--advertise", "host.k3d.internal")]
    public async Task RunAsync_ListenOrAdvertiseWithoutVendorsOnly_Answers2(string flag, string value)
    {
        Assert.Equal(2, await SandboxVerb.RunAsync([flag, value], CancellationToken.None));
    }

    [Fact]
    public async Task RunAsync_VendorsOnlyWithWorldOnly_Answers2()
    {
        Assert.Equal(2, await SandboxVerb.RunAsync(["--vendors-only", "--world-only"], CancellationToken.None));
    }

    [Theory]
    [InlineData("--listen", "not-an-address")]
    [InlineData("--advertise", "bad host/name")]
    [InlineData("--listen", null)]
    public async Task RunAsync_MalformedListenOrAdvertise_Answers2(string flag, string? value)
    {
        string[] args = value is null ? ["--vendors-only", flag] : ["--vendors-only", flag, value];
        Assert.Equal(2, await SandboxVerb.RunAsync(args, CancellationToken.None));
    }
}
