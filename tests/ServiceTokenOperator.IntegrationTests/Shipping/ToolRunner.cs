using System.Diagnostics;

namespace ServiceTokenOperator.IntegrationTests.Shipping;

/// <summary>Runs an external tool (helm, lua5.1, node) with a bound on its run time.</summary>
internal static class ToolRunner
{
    public static async Task<ToolResult> RunAsync(
        string file, IEnumerable<string> args, string? stdin = null, IReadOnlyDictionary<string, string>? environment = null, int seconds = 120)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin.AsMemory(), timeout.Token);
            process.StandardInput.Close();
        }

        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(file)} {string.Join(' ', args)} did not finish within {seconds}s");
        }

        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs the tool and fails with its output unless it exits 0.</summary>
    public static async Task<string> OkAsync(string file, IEnumerable<string> args, string? stdin = null)
    {
        var list = args.ToList();
        var result = await RunAsync(file, list, stdin);
        Assert.True(result.ExitCode == 0, $"{Path.GetFileName(file)} {string.Join(' ', list)} exited {result.ExitCode}:\n{result.Stdout}\n{result.Stderr}");
        return result.Stdout;
    }
}
