using System.Globalization;
using ServiceTokenOperator.Api;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Hosting;
using ServiceTokenOperator.Sandbox.World;

namespace ServiceTokenOperator.Cli;

/// <summary>
/// <c>sandbox</c>: the whole product on one machine (design.md §5): the Kubernetes API, the vendor simulators, the
/// sandbox issuers and samples, and the operator, with a live status table. <c>--world-only</c> leaves the operator
/// out so operators can run as separate processes against <c>.sandbox/kubeconfig</c>.
/// </summary>
internal static class SandboxVerb
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var dir = ".sandbox";
        var worldOnly = false;
        TimeSpan? exitAfter = null;
        var latency = 0;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--dir" when i + 1 < args.Count: dir = args[++i]; break;
                case "--world-only": worldOnly = true; break;
                case "--exit-after" when i + 1 < args.Count && GoDuration.TryParse(args[i + 1], out var d): exitAfter = d; i++; break;
                case "--vendor-latency-ms" when i + 1 < args.Count && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var ms): latency = ms; i++; break;
                default:
                    await Console.Error.WriteLineAsync($"sandbox: unknown or incomplete flag \"{args[i]}\" (flags: --dir DIR, --world-only, --exit-after DURATION, --vendor-latency-ms N)");
                    return 2;
            }
        }

        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (exitAfter is { } after) lifetime.CancelAfter(after);

        await using var world = await SandboxWorld.StartAsync(new SandboxWorldOptions
        {
            Dir = dir,
            CrdYamls = CrdManifests.All().Select(c => c.Yaml).ToList(),
            VendorLatencyMs = latency,
        }, lifetime.Token);
        using (var applier = world.CreateApplier())
        {
            foreach (var sample in SampleManifests.Sandbox()) await applier.ApplyAsync(sample, "default", lifetime.Token);
        }

        OperatorHost? host = null;
        try
        {
            if (!worldOnly)
            {
                var logPath = Path.GetFullPath(Path.Combine(dir, "operator.log"));
                var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
                host = await OperatorHost.StartAsync(
                    new OperatorOptions
                    {
                        Kubeconfig = world.KubeconfigPath,
                        MetricsPort = 0,
                        LeaderElect = true,
                        Namespace = world.Options.OperatorNamespace,
                        // Seconds, so the whole lifecycle can be watched live.
                        MinRotationPeriod = TimeSpan.FromSeconds(10),
                        OrphanSweepInterval = TimeSpan.FromSeconds(30),
                        OrphanSafetyWindow = TimeSpan.FromSeconds(20),
                    },
                    logging => logging.AddProvider(new TextWriterLoggerProvider(log)),
                    loopbackOnly: true,
                    cancellationToken: lifetime.Token);
            }

            var json = await world.WriteSandboxJsonAsync(host?.MetricsBase, lifetime.Token);
            Console.WriteLine($"kubeconfig: {world.KubeconfigPath}");
            Console.WriteLine($"sandbox.json: {json}");
            Console.WriteLine("sandbox ready");
            await StatusTable.RunAsync(world, Console.Out, lifetime.Token);
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
            // --exit-after or Ctrl+C: a normal end.
        }
        finally
        {
            if (host is not null) await host.DisposeAsync();
        }

        return 0;
    }
}
