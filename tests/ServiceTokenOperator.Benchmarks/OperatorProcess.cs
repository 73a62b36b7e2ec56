using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ServiceTokenOperator.Benchmarks;

/// <summary>
/// The operator as its own process (<c>dotnet servicetoken-operator.dll run ...</c>), so that its memory is its own:
/// peak RSS is the kernel's VmHWM of that process, current RSS is sampled from VmRSS.
/// </summary>
internal sealed class OperatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private long _maxSampledRssKb;

    private OperatorProcess(Process process, StreamWriter log, Uri metricsBase, string assembly)
    {
        Assembly = assembly;
        _process = process;
        _log = log;
        MetricsBase = metricsBase;
        StartedAt = Stopwatch.GetTimestamp();
        _sampler = SampleAsync(_stop.Token);
    }

    /// <summary>http://127.0.0.1:PORT of /metrics, /healthz and /readyz.</summary>
    public Uri MetricsBase { get; }

    public int Id => _process.Id;

    public string Assembly { get; }

    public long StartedAt { get; }

    /// <summary>
    /// Starts the operator. The metrics port is picked here and passed explicitly rather than read back from the
    /// "metrics listening on" line, so the harness does not depend on the wording of the operator's output.
    /// </summary>
    public static OperatorProcess Start(string assembly, string kubeconfig, int workers, string logPath, IEnumerable<KeyValuePair<string, string>> environment)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        foreach (var arg in (string[])[assembly, "run", "--kubeconfig", kubeconfig, "--metrics-port", port.ToString(CultureInfo.InvariantCulture),
                     "--leader-elect=false", "--workers", workers.ToString(CultureInfo.InvariantCulture), "--min-rotation-period", "10s"])
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment) info.Environment[key] = value;
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        // Killing the harness (SIGTERM) must not leave the operator running.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillQuietly(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new OperatorProcess(process, log, new Uri($"http://127.0.0.1:{port}"), assembly);
    }

    /// <summary>Peak resident set of the process so far (VmHWM), in MB; null once it exited.</summary>
    public double? PeakRssMb()
    {
        var kb = ReadStatusKb("VmHWM");
        if (kb is null) return null;
        return Math.Max(kb.Value, Interlocked.Read(ref _maxSampledRssKb)) / 1024.0;
    }

    /// <summary>Current resident set (VmRSS), in MB.</summary>
    public double? RssMb() => ReadStatusKb("VmRSS") / 1024.0;

    public bool HasExited => _process.HasExited;

    /// <summary>A crash, not a shutdown: nothing gets to run on the way out.</summary>
    public async Task KillAsync()
    {
        await _stop.CancelAsync();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            await _sampler;
        }
        catch (OperationCanceledException)
        {
            // The sampler ends with the process.
        }

        _process.Dispose();
        await _log.DisposeAsync();
        _stop.Dispose();
    }

    private async Task SampleAsync(CancellationToken ct)
    {
        // VmHWM is exact already; sampling VmRSS too keeps a peak if the kernel value is ever unavailable.
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        while (await timer.WaitForNextTickAsync(ct))
        {
            if (ReadStatusKb("VmRSS") is { } kb && kb > Interlocked.Read(ref _maxSampledRssKb)) Interlocked.Exchange(ref _maxSampledRssKb, kb);
        }
    }

    private long? ReadStatusKb(string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (!line.StartsWith(field + ":", StringComparison.Ordinal)) continue;
                var digits = line[(field.Length + 1)..].Trim().Split(' ')[0];
                return long.Parse(digits, CultureInfo.InvariantCulture);
            }
        }
        catch (IOException)
        {
            // The process exited between two reads.
        }

        return null;
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone or disposed.
        }
    }

    private static void Append(StreamWriter log, string? line)
    {
        if (line is null) return;
        lock (log) log.WriteLine(line);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
