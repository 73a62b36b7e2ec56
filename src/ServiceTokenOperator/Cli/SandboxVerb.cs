using System.Globalization;
using System.Net;
using ServiceTokenOperator.Api;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Hosting;
using ServiceTokenOperator.Sandbox.World;

namespace ServiceTokenOperator.Cli;

/// <summary>
/// <c>sandbox</c>: the whole product on one machine (design.md §5): the Kubernetes API, the vendor simulators, the
/// sandbox issuers and samples, and the operator, with a live status table. <c>--world-only</c> leaves the operator
/// out so operators can run as separate processes against <c>.sandbox/kubeconfig</c>. <c>--vendors-only</c> starts
/// only the vendor simulators, optionally on <c>--listen ADDRESS</c> and named <c>--advertise HOST</c> in sandbox.json,
/// for an operator in a real cluster (tests/e2e/k3d.sh).
/// </summary>
internal static class SandboxVerb
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var dir = ".sandbox";
        var worldOnly = false;
        TimeSpan? exitAfter = null;
        var latency = 0;
        var vendorsOnly = false;
        IPAddress? listen = null;
        string? advertise = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--dir" when i + 1 < args.Count: dir = args[++i]; break;
                case "--world-only": worldOnly = true; break;
                case "--exit-after" when i + 1 < args.Count && GoDuration.TryParse(args[i + 1], out var d): exitAfter = d; i++; break;
                case "--vendor-latency-ms" when i + 1 < args.Count && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var ms): latency = ms; i++; break;
                case "--vendors-only": vendorsOnly = true; break;
                case "--listen" when i + 1 < args.Count && IPAddress.TryParse(args[i + 1], out var address): listen = address; i++; break;
                case "--advertise" when i + 1 < args.Count && Uri.CheckHostName(args[i + 1]) != UriHostNameType.Unknown: advertise = args[++i]; break;
                default:
                    await Console.Error.WriteLineAsync($"sandbox: unknown or incomplete flag \"{args[i]}\" (flags: --dir DIR, --world-only, --exit-after DURATION, --vendor-latency-ms N, --vendors-only [--listen ADDRESS] [--advertise HOST])");
                    return 2;
            }
        }

        if (!vendorsOnly && (listen is not null || advertise is not null))
        {
            // The Kubernetes API and the operator stay on loopback: only the simulators may face a cluster.
            await Console.Error.WriteLineAsync("sandbox: --listen and --advertise need --vendors-only");
            return 2;
        }

        if (vendorsOnly && worldOnly)
        {
            await Console.Error.WriteLineAsync("sandbox: --vendors-only and --world-only exclude each other");
            return 2;
        }

        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (exitAfter is { } after) lifetime.CancelAfter(after);
        if (vendorsOnly)
        {
            return await RunVendorsOnlyAsync(
                new VendorSandboxOptions { Dir = dir, ListenAddress = listen ?? IPAddress.Loopback, AdvertiseHost = advertise, VendorLatencyMs = latency },
                lifetime.Token);
        }

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

    private static async Task<int> RunVendorsOnlyAsync(VendorSandboxOptions options, CancellationToken cancellationToken)
    {
        if (!IPAddress.IsLoopback(options.ListenAddress))
        {
            await Console.Error.WriteLineAsync(
                $"sandbox: warning: the vendor simulators listen on {options.ListenAddress}: anyone who can reach it can mint sandbox tokens with the admin credentials in sandbox.json");
        }

        try
        {
            await using var vendors = await VendorSandbox.StartAsync(options, cancellationToken);
            var json = await vendors.WriteSandboxJsonAsync(cancellationToken);
            Console.WriteLine($"sandbox.json: {json}");
            Console.WriteLine("sandbox ready");
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // --exit-after or Ctrl+C: a normal end.
        }

        return 0;
    }
}
