using System.Diagnostics;

namespace ServiceTokenOperator.Benchmarks;

/// <summary>Runs the dotnet host to completion (a verb of the operator, a publish) and returns what it printed.</summary>
internal static class Dotnet
{
    public static async Task<string> RunAsync(IEnumerable<string> args, CancellationToken ct)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        // Both streams read at once: a full stderr pipe would otherwise stall the process.
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return process.ExitCode == 0
            ? await stdout
            : throw new InvalidOperationException($"dotnet {string.Join(' ', info.ArgumentList)} exited {process.ExitCode}:\n{await stdout}\n{await stderr}");
    }
}
