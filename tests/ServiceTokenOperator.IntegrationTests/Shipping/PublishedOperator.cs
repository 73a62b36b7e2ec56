using System.Runtime.InteropServices;

namespace ServiceTokenOperator.IntegrationTests.Shipping;

/// <summary>
/// The operator published as the image publishes it (<c>dotnet publish -c Release</c> for this machine's platform:
/// self-contained, the framework trimmed, see ServiceTokenOperator.csproj), once per test class, into a temporary
/// directory. The tests next to it run what the image's entry point runs, not the build the other tests load.
/// </summary>
public sealed class PublishedOperator : IAsyncLifetime
{
    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "st-published-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The apphost, as the image's ENTRYPOINT runs it.</summary>
    public string Executable => Path.Combine(Dir, "servicetoken-operator");

    public async Task InitializeAsync()
    {
        var project = RepoPaths.Of("src", "ServiceTokenOperator", "ServiceTokenOperator.csproj");
        var result = await ToolRunner.RunAsync(
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            ["publish", project, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "-o", Dir, "--nologo"],
            seconds: 600);
        Assert.True(result.ExitCode == 0, $"dotnet publish failed:\n{result.Stdout}\n{result.Stderr}");
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind harms nothing.
        }

        return Task.CompletedTask;
    }
}
