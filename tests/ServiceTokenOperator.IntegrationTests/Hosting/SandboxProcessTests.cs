namespace ServiceTokenOperator.IntegrationTests.Hosting;

/// <summary>The sandbox verb as a user runs it: SIGTERM (a container stopping, timeout(1)) stops it whole, as Ctrl+C does.</summary>
public sealed class SandboxProcessTests
{
    [Fact]
    public async Task Sandbox_Sigterm_StopsTheWorldAndTheOperatorWithExitZero()
    {
        var dir = Directory.CreateTempSubdirectory("servicetoken-sandbox-").FullName;
        try
        {
            using var sandbox = OperatorProcess.Start("sandbox", ["--dir", dir], verb: "sandbox");
            await Eventually.TrueAsync(() => Task.FromResult(sandbox.Output.Contains("sandbox ready")), "the sandbox to be ready", seconds: 120);

            sandbox.Terminate();

            await sandbox.WaitForExitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, sandbox.ExitCode);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
