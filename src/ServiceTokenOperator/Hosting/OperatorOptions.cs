using System.Globalization;
using ServiceTokenOperator.Api.V1Alpha1;

namespace ServiceTokenOperator.Hosting;

/// <summary>Flags of the <c>run</c> verb, each also readable from an environment variable. Validated at start.</summary>
internal sealed class OperatorOptions
{
    /// <summary>--kubeconfig, else KUBECONFIG, else in-cluster configuration, else ~/.kube/config.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>--metrics-port: serves /metrics, /healthz and /readyz. 0 picks a free port. Default 8080.</summary>
    public int MetricsPort { get; set; } = 8080;

    /// <summary>--leader-elect: one active replica through a Lease. Default true.</summary>
    public bool LeaderElect { get; set; } = true;

    /// <summary>--namespace (POD_NAMESPACE): the operator's namespace: its Lease, its MAC key and ClusterTokenIssuer credentials. Default servicetoken-system.</summary>
    public string Namespace { get; set; } = "servicetoken-system";

    /// <summary>--cluster-id: this cluster's id in vendor-side token names. Default: derived from the kube-system namespace uid.</summary>
    public string? ClusterId { get; set; }

    /// <summary>--workers: ServiceTokens reconciled at once. Default 4.</summary>
    public int Workers { get; set; } = 4;

    /// <summary>--min-rotation-period: the shortest rotation.every accepted. Default 1h.</summary>
    public TimeSpan MinRotationPeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>--issuer-recheck-interval: how often an issuer's credential is checked again. Default 1h.</summary>
    public TimeSpan IssuerRecheckInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>--orphan-sweep-interval: how often each issuer's vendor account is swept for tokens of this cluster that nothing references. Default 1h.</summary>
    public TimeSpan OrphanSweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// --orphan-safety-window: an unreferenced token younger than this is left alone, so a token whose Secret write is
    /// still in flight is never swept. Default 10m.
    /// </summary>
    public TimeSpan OrphanSafetyWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>--lease-name. Default servicetoken-operator.</summary>
    public string LeaseName { get; set; } = "servicetoken-operator";

    /// <summary>Lease holder identity: POD_NAME, else host name and process id.</summary>
    public string Identity { get; set; } = Environment.GetEnvironmentVariable("POD_NAME") ?? $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Parses flags (<c>--name value</c> or <c>--name=value</c>); the error names the flag.</summary>
    public static (OperatorOptions? Options, string? Error) Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var options = new OperatorOptions
        {
            Kubeconfig = environment("KUBECONFIG"),
            Namespace = environment("POD_NAMESPACE") ?? "servicetoken-system",
        };
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal)) return (null, $"unexpected argument \"{arg}\"");
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? arg[2..eq] : arg[2..];
            string? value = eq > 0 ? arg[(eq + 1)..] : null;
            string Next() => value ?? (i + 1 < args.Count ? args[++i] : throw new FormatException($"--{name} needs a value"));
            try
            {
                switch (name)
                {
                    case "kubeconfig": options.Kubeconfig = Next(); break;
                    case "metrics-port": options.MetricsPort = Port(Next(), name); break;
                    case "leader-elect": options.LeaderElect = value is null || bool.Parse(value); break;
                    case "namespace": options.Namespace = Next(); break;
                    case "cluster-id": options.ClusterId = ClusterIdValue(Next()); break;
                    case "workers": options.Workers = Positive(Next(), name); break;
                    case "min-rotation-period": options.MinRotationPeriod = Duration(Next(), name); break;
                    case "issuer-recheck-interval": options.IssuerRecheckInterval = Duration(Next(), name); break;
                    case "orphan-sweep-interval": options.OrphanSweepInterval = Duration(Next(), name); break;
                    case "orphan-safety-window": options.OrphanSafetyWindow = Duration(Next(), name); break;
                    case "lease-name": options.LeaseName = Next(); break;
                    default: return (null, $"unknown flag --{name}");
                }
            }
            catch (FormatException e)
            {
                return (null, e.Message.StartsWith("--", StringComparison.Ordinal) ? e.Message : $"--{name}: {e.Message}");
            }
        }

        return (options, null);
    }

    private static int Port(string text, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535 ? port : throw new FormatException($"--{name}: \"{text}\" is not a port (0-65535)");

    private static int Positive(string text, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new FormatException($"--{name}: \"{text}\" is not a positive number");

    private static TimeSpan Duration(string text, string name) =>
        GoDuration.TryParse(text, out var d) && d > TimeSpan.Zero ? d : throw new FormatException($"--{name}: \"{text}\" is not a duration such as 30s or 1h");

    private static string ClusterIdValue(string text) =>
        text.Length is > 0 and <= 16 && text.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))
            ? text
            : throw new FormatException($"--cluster-id: \"{text}\" must be 1-16 lowercase letters or digits");
}
