using System.Globalization;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Observability;

namespace ServiceTokenOperator.Hosting;

/// <summary>Flags of the <c>run</c> verb, each also readable from an environment variable. Validated at start.</summary>
internal sealed class OperatorOptions
{
    /// <summary>--kube-api-qps -1: no client-side rate limit.</summary>
    public const double Unlimited = -1;

    /// <summary>--kubeconfig, else KUBECONFIG, else in-cluster configuration, else ~/.kube/config.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>--metrics-port (METRICS_PORT): serves /metrics, /healthz and /readyz. 0 picks a free port. Default 8080.</summary>
    public int MetricsPort { get; set; } = 8080;

    /// <summary>--leader-elect (LEADER_ELECT): one active replica through a Lease. Default true.</summary>
    public bool LeaderElect { get; set; } = true;

    /// <summary>--namespace (POD_NAMESPACE): the operator's namespace: its Lease and its MAC key. Default servicetoken-system.</summary>
    public string Namespace { get; set; } = "servicetoken-system";

    /// <summary>
    /// --cluster-resource-namespace (CLUSTER_RESOURCE_NAMESPACE): where ClusterTokenIssuer credential Secrets live.
    /// Default: the operator's namespace.
    /// </summary>
    public string? ClusterResourceNamespace { get; set; }

    /// <summary>--namespaces (WATCH_NAMESPACES): comma-separated namespaces whose ServiceTokens are reconciled. Default: all.</summary>
    public IReadOnlyList<string> WatchNamespaces { get; set; } = [];

    /// <summary>--selector (SELECTOR): label selector restricting the ServiceTokens reconciled. Default: all.</summary>
    public string? Selector { get; set; }

    /// <summary>--cluster-id (CLUSTER_ID): this cluster's id in vendor-side token names. Default: derived from the kube-system namespace uid.</summary>
    public string? ClusterId { get; set; }

    /// <summary>--workers (WORKERS): ServiceTokens reconciled at once. Default 4.</summary>
    public int Workers { get; set; } = 4;

    /// <summary>
    /// --kube-api-qps (KUBE_API_QPS): sustained requests per second to the Kubernetes API; -1 (the default) sets no
    /// client-side limit and leaves it to the API server's Priority and Fairness, as controller-runtime does since
    /// v0.21 and SIG API Machinery recommends. Concurrency is bounded by --workers either way.
    /// </summary>
    public double KubeApiQps { get; set; } = Unlimited;

    /// <summary>--kube-api-burst (KUBE_API_BURST): requests allowed at once above a positive --kube-api-qps. Default 30.</summary>
    public int KubeApiBurst { get; set; } = 30;

    /// <summary>--min-rotation-period: the shortest rotation.every accepted. Default 1h.</summary>
    public TimeSpan MinRotationPeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>--issuer-recheck-interval: how often an issuer's credential is checked again. Default 1h.</summary>
    public TimeSpan IssuerRecheckInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>--orphan-sweep-interval (ORPHAN_SWEEP_INTERVAL): how often each issuer's vendor account is swept for tokens of this cluster that nothing references. Default 1h.</summary>
    public TimeSpan OrphanSweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// --orphan-safety-window (ORPHAN_SAFETY_WINDOW): an unreferenced token younger than this is left alone, so a token whose Secret write is
    /// still in flight is never swept. Default 10m.
    /// </summary>
    public TimeSpan OrphanSafetyWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>--lease-name (LEASE_NAME). Default servicetoken-operator; a shard appends <c>-shard-N</c>.</summary>
    public string LeaseName { get; set; } = "servicetoken-operator";

    /// <summary>--lease-duration (LEASE_DURATION): how long a lease is honoured without renewal. Default 15s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>--renew-deadline (RENEW_DEADLINE): how long the leader retries renewing before it stops leading. Default 10s.</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>--retry-period (RETRY_PERIOD): wait between attempts to acquire or renew. Default 2s.</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>--shard N/M (SHARD): reconcile only the ServiceTokens whose stable hash of namespace/name is N modulo M. Default: all.</summary>
    public ShardSpec? Shard { get; set; }

    /// <summary>--log-format (LOG_FORMAT): text or json. Default text.</summary>
    public string LogFormat { get; set; } = "text";

    /// <summary>--log-level (LOG_LEVEL): trace, debug, information, warning, error. Default information.</summary>
    public LogLevel LogLevel { get; set; } = LogLevel.Information;

    /// <summary>
    /// The Meter this host publishes and exports. Not a flag: OpenTelemetry selects meters by name process-wide, so
    /// several hosts in one process (tests) each need their own name to keep their metrics apart.
    /// </summary>
    public string MeterName { get; set; } = OperatorTelemetry.Name;

    /// <summary>Lease holder identity: POD_NAME, else host name and process id.</summary>
    public string Identity { get; set; } = Environment.GetEnvironmentVariable("POD_NAME") ?? $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>The Lease this replica campaigns for: one per shard, so every shard has its own leader.</summary>
    public string EffectiveLeaseName => Shard is { } shard ? $"{LeaseName}-shard-{shard.Index}" : LeaseName;

    /// <summary>Where ClusterTokenIssuer credential Secrets are read.</summary>
    public string EffectiveClusterResourceNamespace => ClusterResourceNamespace ?? Namespace;

    /// <summary>Whether this replica reconciles the ServiceToken <paramref name="namespace"/>/<paramref name="name"/>.</summary>
    public bool Owns(string? @namespace, string name) =>
        (WatchNamespaces.Count == 0 || WatchNamespaces.Contains(@namespace ?? string.Empty, StringComparer.Ordinal))
        && (Shard is not { } shard || shard.Owns(@namespace, name));

    /// <summary>
    /// Parses flags (<c>--name value</c> or <c>--name=value</c>) over environment defaults, then validates the whole.
    /// The error names the flag and says what is accepted.
    /// </summary>
    public static (OperatorOptions? Options, string? Error) Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var options = new OperatorOptions
        {
            Kubeconfig = environment("KUBECONFIG"),
            Namespace = environment("POD_NAMESPACE") ?? "servicetoken-system",
            Identity = environment("POD_NAME") ?? $"{Environment.MachineName}-{Environment.ProcessId}",
        };
        var fromEnvironment = new (string Flag, string Variable)[]
        {
            ("metrics-port", "METRICS_PORT"), ("leader-elect", "LEADER_ELECT"), ("cluster-resource-namespace", "CLUSTER_RESOURCE_NAMESPACE"),
            ("namespaces", "WATCH_NAMESPACES"), ("selector", "SELECTOR"), ("cluster-id", "CLUSTER_ID"), ("workers", "WORKERS"),
            ("kube-api-qps", "KUBE_API_QPS"), ("kube-api-burst", "KUBE_API_BURST"), ("lease-name", "LEASE_NAME"),
            ("lease-duration", "LEASE_DURATION"), ("renew-deadline", "RENEW_DEADLINE"), ("retry-period", "RETRY_PERIOD"),
            ("shard", "SHARD"), ("log-format", "LOG_FORMAT"), ("log-level", "LOG_LEVEL"),
            ("min-rotation-period", "MIN_ROTATION_PERIOD"), ("issuer-recheck-interval", "ISSUER_RECHECK_INTERVAL"), ("orphan-sweep-interval", "ORPHAN_SWEEP_INTERVAL"), ("orphan-safety-window", "ORPHAN_SAFETY_WINDOW"),
        };
        try
        {
            foreach (var (flag, variable) in fromEnvironment)
            {
                if (environment(variable) is { } text && Apply(options, flag, text) is { } unknown) return (null, unknown);
            }
        }
        catch (FormatException e)
        {
            return (null, $"environment: {e.Message}");
        }

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal)) return (null, $"unexpected argument \"{arg}\"");
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? arg[2..eq] : arg[2..];
            string? value = eq > 0 ? arg[(eq + 1)..] : null;
            try
            {
                // A bare boolean flag means true; every other flag takes a value.
                if (name == "leader-elect" && value is null) value = "true";
                var text = value ?? (i + 1 < args.Count ? args[++i] : throw new FormatException($"--{name} needs a value"));
                if (Apply(options, name, text) is { } unknown) return (null, unknown);
            }
            catch (FormatException e)
            {
                return (null, e.Message.StartsWith("--", StringComparison.Ordinal) ? e.Message : $"--{name}: {e.Message}");
            }
        }

        return options.Validate() is { } error ? (null, error) : (options, null);
    }

    /// <summary>Checks what single flags cannot: relations between them. Null when valid.</summary>
    public string? Validate()
    {
        if (RenewDeadline >= LeaseDuration)
            return $"--renew-deadline ({GoDuration.Format(RenewDeadline)}) must be shorter than --lease-duration ({GoDuration.Format(LeaseDuration)})";
        if (RetryPeriod >= RenewDeadline)
            return $"--retry-period ({GoDuration.Format(RetryPeriod)}) must be shorter than --renew-deadline ({GoDuration.Format(RenewDeadline)})";
        if (KubeApiQps != Unlimited && KubeApiBurst < KubeApiQps)
            return $"--kube-api-burst ({KubeApiBurst}) must be at least --kube-api-qps ({KubeApiQps.ToString(CultureInfo.InvariantCulture)})";
        return null;
    }

    // Null when applied; an error message for an unknown flag. Bad values throw FormatException naming the flag.
    private static string? Apply(OperatorOptions options, string name, string text)
    {
        switch (name)
        {
            case "kubeconfig": options.Kubeconfig = text; break;
            case "metrics-port": options.MetricsPort = Port(text, name); break;
            case "leader-elect": options.LeaderElect = Bool(text, name); break;
            case "namespace": options.Namespace = DnsLabel(text, name); break;
            case "cluster-resource-namespace": options.ClusterResourceNamespace = DnsLabel(text, name); break;
            case "namespaces": options.WatchNamespaces = NamespaceList(text, name); break;
            case "selector": options.Selector = LabelSelector(text, name); break;
            case "cluster-id": options.ClusterId = ClusterIdValue(text); break;
            case "workers": options.Workers = Positive(text, name); break;
            case "kube-api-qps": options.KubeApiQps = text == "-1" ? Unlimited : PositiveReal(text, name); break;
            case "kube-api-burst": options.KubeApiBurst = Positive(text, name); break;
            case "min-rotation-period": options.MinRotationPeriod = Duration(text, name); break;
            case "issuer-recheck-interval": options.IssuerRecheckInterval = Duration(text, name); break;
            case "orphan-sweep-interval": options.OrphanSweepInterval = Duration(text, name); break;
            case "orphan-safety-window": options.OrphanSafetyWindow = Duration(text, name); break;
            case "lease-name": options.LeaseName = DnsLabel(text, name); break;
            case "lease-duration": options.LeaseDuration = Duration(text, name); break;
            case "renew-deadline": options.RenewDeadline = Duration(text, name); break;
            case "retry-period": options.RetryPeriod = Duration(text, name); break;
            case "shard": options.Shard = ShardSpec.TryParse(text, out var shard) ? shard : throw new FormatException($"--{name}: \"{text}\" is not N/M with 0 <= N < M, such as 0/2"); break;
            case "log-format": options.LogFormat = text is "text" or "json" ? text : throw new FormatException($"--{name}: \"{text}\" is not text or json"); break;
            case "log-level": options.LogLevel = Level(text, name); break;
            default: return $"unknown flag --{name}";
        }

        return null;
    }

    private static int Port(string text, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535 ? port : throw new FormatException($"--{name}: \"{text}\" is not a port (0-65535)");

    private static int Positive(string text, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new FormatException($"--{name}: \"{text}\" is not a positive number");

    private static double PositiveReal(string text, string name) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) && n > 0 && double.IsFinite(n)
            ? n
            : throw new FormatException($"--{name}: \"{text}\" is not a positive number{(name == "kube-api-qps" ? " or -1 (no client-side limit)" : "")}");

    private static bool Bool(string text, string name) =>
        bool.TryParse(text, out var b) ? b : throw new FormatException($"--{name}: \"{text}\" is not true or false");

    private static TimeSpan Duration(string text, string name) =>
        GoDuration.TryParse(text, out var d) && d > TimeSpan.Zero ? d : throw new FormatException($"--{name}: \"{text}\" is not a duration such as 30s or 1h");

    private static LogLevel Level(string text, string name) =>
        text.ToLowerInvariant() switch
        {
            "trace" => LogLevel.Trace,
            "debug" => LogLevel.Debug,
            "info" or "information" => LogLevel.Information,
            "warn" or "warning" => LogLevel.Warning,
            "error" => LogLevel.Error,
            _ => throw new FormatException($"--{name}: \"{text}\" is not one of trace, debug, information, warning, error"),
        };

    private static string DnsLabel(string text, string name) =>
        text.Length is > 0 and <= 63 && text.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') && text[0] != '-' && text[^1] != '-'
            ? text
            : throw new FormatException($"--{name}: \"{text}\" is not a DNS label (lowercase letters, digits and '-', at most 63)");

    private static List<string> NamespaceList(string text, string name)
    {
        var names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0) throw new FormatException($"--{name}: \"{text}\" names no namespace");
        return [.. names.Select(n => DnsLabel(n, name)).Distinct(StringComparer.Ordinal)];
    }

    // Only a character-level check the API server would also make, so that a typo fails at start rather than on the first list.
    private static string LabelSelector(string text, string name) =>
        text.Trim().Length > 0 && text.Count(c => c == '(') == text.Count(c => c == ')')
            && text.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=!(), ".Contains(c, StringComparison.Ordinal))
            && !text.Split(',').Any(string.IsNullOrWhiteSpace)
            ? text
            : throw new FormatException($"--{name}: \"{text}\" is not a label selector such as team=payments,tier!=dev");

    private static string ClusterIdValue(string text) =>
        text.Length is > 0 and <= 16 && text.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))
            ? text
            : throw new FormatException($"--cluster-id: \"{text}\" must be 1-16 lowercase letters or digits");
}
