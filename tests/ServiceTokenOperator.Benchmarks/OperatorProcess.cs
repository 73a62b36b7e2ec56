using System.Diagnostics;
using System.Globalization;

namespace ServiceTokenOperator.Benchmarks;

/// <summary>
/// The operator as its own process (<c>dotnet servicetoken-operator.dll run ...</c>), so that its memory is its own:
/// peak RSS is the kernel's VmHWM of that process, current RSS is sampled from VmRSS.
/// </summary>
internal sealed class OperatorProcess : IAsyncDisposable
{
    private const string ListeningPrefix = "metrics listening on ";
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private long _maxSampledRssKb;

    private OperatorProcess(Process process, StreamWriter log, Uri metricsBase, string assembly, long startedAt)
    {
        Assembly = assembly;
        _process = process;
        _log = log;
        MetricsBase = metricsBase;
        StartedAt = startedAt;
        _sampler = SampleAsync(_stop.Token);
    }

    /// <summary>http://127.0.0.1:PORT of /metrics, /healthz and /readyz.</summary>
    public Uri MetricsBase { get; }

    public int Id => _process.Id;

    public string Assembly { get; }

    /// <summary>Stopwatch timestamp of the process start (before the runtime loaded).</summary>
    public long StartedAt { get; }

    /// <summary>
    /// Starts the operator with <c>--metrics-port 0</c> and waits for the line it prints once listening
    /// (<c>metrics listening on http://127.0.0.1:PORT</c>): no port picked here that another process could take first.
    /// </summary>
    public static async Task<OperatorProcess> StartAsync(string assembly, string kubeconfig, BenchOptions options, string logPath, CancellationToken ct)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        foreach (var arg in (string[])[assembly, "run", "--kubeconfig", kubeconfig, "--metrics-port", "0",
                     "--leader-elect=false", "--workers", options.Workers.ToString(CultureInfo.InvariantCulture), "--min-rotation-period", "10s",
                     $"--kube-api-qps={options.KubeApiQps.ToString(CultureInfo.InvariantCulture)}", "--kube-api-burst", options.KubeApiBurst.ToString(CultureInfo.InvariantCulture)])
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in options.OperatorEnvironment) info.Environment[key] = value;
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var startedAt = Stopwatch.GetTimestamp();
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, e) =>
        {
            Append(log, e.Data);
            if (e.Data?.StartsWith(ListeningPrefix, StringComparison.Ordinal) == true && Uri.TryCreate(e.Data[ListeningPrefix.Length..].Trim(), UriKind.Absolute, out var uri))
                listening.TrySetResult(uri);
        };
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"the operator exited at start: see {logPath}"));
        process.EnableRaisingEvents = true;
        // Killing the harness (SIGTERM) must not leave the operator running.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillQuietly(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var metricsBase = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
            return new OperatorProcess(process, log, metricsBase, assembly, startedAt);
        }
        catch
        {
            KillQuietly(process);
            throw;
        }
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
}
