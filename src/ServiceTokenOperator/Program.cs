using System.Reflection;
using System.Runtime.InteropServices;
using ServiceTokenOperator.Cli;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

// SIGTERM (a container stopping, a process manager, timeout(1)) ends every verb as Ctrl+C does. Without this the
// sandbox kept running: its embedded operator's web host took the signal and stopped alone.
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

var verb = args.Length > 0 ? args[0] : "help";
var rest = args.Skip(1).ToList();
return verb switch
{
    "run" => await RunVerb.RunAsync(rest, stop.Token),
    "sandbox" => await SandboxVerb.RunAsync(rest, stop.Token),
    "crds" => CrdsVerb.Run(Console.Out),
    "plugin" => await PluginVerb.RunAsync(rest, Console.Out, Console.Error, TimeProvider.System, stop.Token),
    "version" => PrintVersion(),
    _ => Usage(verb),
};

static int PrintVersion()
{
    Console.WriteLine(typeof(RunVerb).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");
    return 0;
}

static int Usage(string verb)
{
    var help = verb is "help" or "--help" or "-h";
    (help ? Console.Out : Console.Error).WriteLine("""
        usage: servicetoken-operator <verb> [flags]
          run       run the operator; flags (each also an environment variable, see README): --kubeconfig, --metrics-port,
                    --leader-elect, --lease-name, --lease-duration, --renew-deadline, --retry-period, --namespace,
                    --cluster-resource-namespace, --namespaces, --selector, --shard N/M, --cluster-id, --workers,
                    --kube-api-qps, --kube-api-burst, --min-rotation-period, --issuer-recheck-interval,
                    --orphan-sweep-interval, --orphan-safety-window, --log-format text|json, --log-level
          sandbox   start a local Kubernetes API, vendor simulators and the operator (--dir, --world-only, --exit-after,
                    --vendor-latency-ms); --vendors-only [--listen ADDRESS] [--advertise HOST] starts only the simulators
          crds      print the CustomResourceDefinitions
          plugin    kubectl servicetoken verbs: rotate NAME [-n NS], status [NAME] [-n NS | -A] (entry point deploy/kubectl/kubectl-servicetoken)
          version   print the version
        """);
    return help ? 0 : 2;
}
