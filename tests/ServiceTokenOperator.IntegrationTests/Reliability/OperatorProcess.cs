using System.Diagnostics;

namespace ServiceTokenOperator.IntegrationTests.Reliability;

/// <summary>
/// The operator as a real process (<c>dotnet servicetoken-operator.dll run ...</c>), as a Deployment runs it, so that
/// a kill is a real SIGKILL: no finally blocks, no graceful shutdown, sockets torn down by the kernel. Its output
/// goes to a log file that a failing test can point at.
/// </summary>
internal sealed class OperatorProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private OperatorProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The operator's entry assembly, copied next to the tests by the project reference.</summary>
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "servicetoken-operator.dll");

    public static OperatorProcess Start(IReadOnlyList<string> runArguments, string logPath)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(DllPath);
        start.ArgumentList.Add("run");
        foreach (var argument in runArguments) start.ArgumentList.Add(argument);
        // The kubeconfig flag decides; an inherited KUBECONFIG or POD_NAMESPACE must not.
        start.Environment.Remove("KUBECONFIG");
        start.Environment.Remove("POD_NAMESPACE");

        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = start };
        var gate = new Lock();
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new OperatorProcess(process, log);

        void Append(string? line)
        {
            if (line is null) return;
            lock (gate)
            {
                try
                {
                    log.WriteLine(line);
                }
                catch (ObjectDisposedException)
                {
                    // Output racing the end of the test.
                }
            }
        }
    }

    /// <summary>SIGKILL, and waits until the process is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(bound.Token);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
        _log.Dispose();
    }
}
