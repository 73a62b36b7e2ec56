using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ServiceTokenOperator.IntegrationTests.Hosting;

/// <summary>The real operator executable (<c>servicetoken-operator run</c>) as a child process, its output captured.</summary>
internal sealed partial class OperatorProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<Uri> _metrics = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private OperatorProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public ConcurrentQueue<string> Output { get; } = new();

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <c>servicetoken-operator run</c> with <paramref name="args"/>, as the pod <paramref name="podName"/>:
    /// the build next to the tests through <c>dotnet</c>, or <paramref name="executable"/> (a published operator, the
    /// image's entry point) directly. <paramref name="verb"/> runs another verb (<c>sandbox</c>).</summary>
    public static OperatorProcess Start(string podName, IEnumerable<string> args, string? executable = null, string verb = "run")
    {
        var start = new ProcessStartInfo(executable ?? Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (executable is null) start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "servicetoken-operator.dll"));
        start.ArgumentList.Add(verb);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["POD_NAME"] = podName;
        return new OperatorProcess(Process.Start(start)!);
    }

    /// <summary>The URL the process printed as <c>metrics listening on http://127.0.0.1:PORT</c>.</summary>
    public Task<Uri> MetricsUrlAsync() => _metrics.Task.WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>SIGTERM, as the kubelet sends on pod deletion.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>SIGKILL: no shutdown code runs, the Lease is not released.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: true);

    public Task WaitForExitAsync(TimeSpan bound) => _process.WaitForExitAsync().WaitAsync(bound);

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    [GeneratedRegex("^metrics listening on (http://127\\.0\\.0\\.1:[0-9]+)$")]
    private static partial Regex MetricsLine();

    private void OnLine(string? line)
    {
        if (line is null) return;
        Output.Enqueue(line);
        if (MetricsLine().Match(line) is { Success: true } match) _metrics.TrySetResult(new Uri(match.Groups[1].Value));
    }
}
