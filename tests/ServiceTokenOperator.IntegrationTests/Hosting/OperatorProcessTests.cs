using System.Diagnostics;
using System.Net;
using k8s;

namespace ServiceTokenOperator.IntegrationTests.Hosting;

/// <summary>Two real operator processes against one sandbox: SIGTERM hands the Lease over at once; SIGKILL within the lease duration.</summary>
public sealed class OperatorProcessTests
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromMilliseconds(500);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task LeaderProcessStopped_OtherProcessTakesOver_NoTokenIssuedTwice(bool kill)
    {
        await using var replicas = await OperatorReplicas.StartAsync();
        string[] Args() =>
        [
            "--kubeconfig", replicas.World.KubeconfigPath, "--metrics-port", "0", "--namespace", replicas.World.Options.OperatorNamespace,
            "--cluster-id", "proc", "--lease-duration", "4s", "--renew-deadline", "3s", "--retry-period", "500ms", "--log-format", "json",
        ];
        using var a = OperatorProcess.Start("pod-a", Args());
        using var b = OperatorProcess.Start("pod-b", Args());
        var processes = new Dictionary<string, OperatorProcess> { ["pod-a"] = a, ["pod-b"] = b };
        foreach (var process in processes.Values)
        {
            var metrics = await process.MetricsUrlAsync();
            await Eventually.TrueAsync(async () => await StatusAsync(replicas, metrics, "/readyz") == HttpStatusCode.OK, "the replica to report ready", seconds: 60);
            Assert.Contains("# TYPE", await replicas.Http.GetStringAsync(new Uri(metrics, "/metrics")), StringComparison.Ordinal);
        }

        var leader = await Eventually.ValueAsync(() => HolderAsync(replicas), h => h is "pod-a" or "pod-b", "a replica to hold the lease", seconds: 30);
        await replicas.ApplyTokenAsync("proc-1");
        await replicas.ReadyAsync("proc-1", seconds: 60);
        // Structured JSON logs on stdout, one object per line.
        Assert.Contains(processes[leader!].Output, l => l.StartsWith('{') && l.Contains("\"Category\"", StringComparison.Ordinal));
        // A reconcile's lines carry its controller and key as scopes (and trace ids when tracing is on).
        Assert.Contains(processes[leader!].Output, l => l.StartsWith('{') && l.Contains("created vendor token", StringComparison.Ordinal)
            && l.Contains("\"Controller\":\"servicetoken\"", StringComparison.Ordinal) && l.Contains("\"Key\":\"default/proc-1\"", StringComparison.Ordinal));

        var clock = Stopwatch.StartNew();
        if (kill)
        {
            processes[leader!].KillHard();
        }
        else
        {
            processes[leader!].Terminate();
            await processes[leader!].WaitForExitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, processes[leader!].ExitCode);
        }

        var next = await Eventually.ValueAsync(() => HolderAsync(replicas), h => h is "pod-a" or "pod-b" && h != leader, "the other replica to take the lease", seconds: 30);
        var handOver = clock.Elapsed;
        // Released on SIGTERM: the follower takes it on its next try. Killed: once the lease expires, one retry later.
        var bound = kill ? LeaseDuration + RetryPeriod + TimeSpan.FromSeconds(1) : LeaseDuration;
        Assert.True(handOver < bound, $"{next} took over after {handOver} (bound {bound})");

        await replicas.ApplyTokenAsync("proc-2");
        await replicas.ReadyAsync("proc-2", seconds: 60);
        var names = replicas.AkkaTokens().Select(t => t.Name ?? "").ToList();
        Assert.Single(names, n => n.Contains("-default-proc-1-r", StringComparison.Ordinal));
        Assert.Single(names, n => n.Contains("-default-proc-2-r", StringComparison.Ordinal));
    }

    private static async Task<string?> HolderAsync(OperatorReplicas replicas)
    {
        var lease = await replicas.Client.CoordinationV1.ReadNamespacedLeaseAsync("servicetoken-operator", replicas.World.Options.OperatorNamespace);
        return string.IsNullOrEmpty(lease.Spec.HolderIdentity) ? null : lease.Spec.HolderIdentity;
    }

    private static async Task<HttpStatusCode?> StatusAsync(OperatorReplicas replicas, Uri metrics, string path)
    {
        try
        {
            using var response = await replicas.Http.GetAsync(new Uri(metrics, path));
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
