using System.Globalization;

namespace ServiceTokenOperator.Benchmarks;

/// <summary>Command-line options of the harness (design.md §6). <c>--name value</c> or <c>--name=value</c>.</summary>
internal sealed record BenchOptions
{
    public static readonly string[] Scenarios = ["burst", "rest", "restart", "wave", "unrelated-secrets", "rate-limit", "all"];
    public static readonly string[] Vendors = ["planetscale", "upsun", "platformsh", "akka"];

    public int Tokens { get; init; } = 100;
    public int VendorLatencyMs { get; init; } = 50;
    public string Out { get; init; } = "bench.json";
    public int Workers { get; init; } = 4;

    /// <summary>The operator's --kube-api-qps (its --kube-api-burst is 1.5 × that); -1, the operator's default, is no client-side limit.</summary>
    public double KubeApiQps { get; init; } = -1;

    public bool KubeApiUnlimited => KubeApiQps < 0;

    public int KubeApiBurst => KubeApiUnlimited ? 30 : (int)Math.Ceiling(KubeApiQps * 1.5);
    public string Scenario { get; init; } = "all";
    public double RestMinutes { get; init; } = 1;
    public int UnrelatedSecrets { get; init; } = 10_000;

    /// <summary>
    /// Tokens issued (and deleted) in their own namespace before the burst, so that the burst measures the operator's
    /// steady cost rather than a fresh process compiling its code paths; 0 measures the burst cold.
    /// </summary>
    public int WarmUp { get; init; } = 32;

    /// <summary>Which simulator issues the tokens. PlanetScale needs one vendor call per issuance, the others two (create, verify).</summary>
    public string Vendor { get; init; } = "planetscale";

    /// <summary>The vendor's requests per minute per credential; 0 keeps the simulators' default (600).</summary>
    public int VendorRateLimit { get; init; }

    /// <summary>The operator's assembly; default: <see cref="Operator"/>.</summary>
    public string? OperatorAssembly { get; init; }

    /// <summary>Which operator runs without --operator-assembly: "published" (as the image ships it: self-contained,
    /// the framework trimmed; published by the harness) or "build" (the framework-dependent build of the solution).</summary>
    public string Operator { get; init; } = "published";

    /// <summary>KEY=VALUE pairs set in the operator's environment (e.g. DOTNET_gcServer=0 to compare GC modes).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> OperatorEnvironment { get; init; } = [];

    /// <summary>Upper bound for any one wait (all Ready, all rotated, resync).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Whether <paramref name="scenario"/> is asked for: all, or one of a comma-separated list (e.g. wave,restart).</summary>
    public bool Runs(string scenario) => Scenario == "all" || Scenario.Split(',').Contains(scenario);

    public const string Usage = """
        usage: dotnet run -c Release --project tests/ServiceTokenOperator.Benchmarks -- [options]
          --tokens N                 ServiceTokens in the burst (default 100)
          --vendor-latency-ms L      latency added to every vendor request (default 50)
          --out FILE                 JSON result (default bench.json); a .md summary is written beside it
          --workers W                the operator's --workers (default 4)
          --kube-api-qps Q           the operator's --kube-api-qps, burst 1.5 × Q (default -1: no client-side limit, its default)
          --scenario S               burst | rest | restart | wave | unrelated-secrets | rate-limit | all (default all), or a
                                     comma-separated list (wave,restart: a restart with rotations pending revocation);
                                     every scenario starts with the burst that creates the tokens
          --rest-minutes M           length of the rest scenario (default 1; 10 for the full run)
          --unrelated-secrets N      unrelated Secrets for that scenario (default 10000)
          --warm-up W                tokens issued and deleted in their own namespace before the burst, measured
                                     apart (default 32; 0: the burst is the fresh process's first work)
          --vendor V                 planetscale | upsun | platformsh | akka (default planetscale)
          --vendor-rate-limit R      the vendor's requests/min per credential for the whole run (default 600, the
                                     simulators' default); the rate-limit scenario lowers it to two windows of work
          --operator-env K=V         set in the operator's environment (repeatable), e.g. DOTNET_gcServer=0
          --operator published|build which operator runs (default published: dotnet publish -c Release -r RID as the
                                     image does, self-contained with the framework trimmed; build: the solution's build)
          --operator-assembly PATH   servicetoken-operator.dll to run instead
          --timeout-minutes M        bound on each wait (default 10)
        """;

    public static (BenchOptions? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help") return (null, null);
            if (!arg.StartsWith("--", StringComparison.Ordinal)) return (null, $"unexpected argument \"{arg}\"");
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? arg[2..eq] : arg[2..];
            var inline = eq > 0 ? arg[(eq + 1)..] : null;
            if (inline is null && i + 1 >= args.Count) return (null, $"--{name} needs a value");
            var value = inline ?? args[++i];
            try
            {
                options = name switch
                {
                    "tokens" => options with { Tokens = Positive(value, name) },
                    "vendor-latency-ms" => options with { VendorLatencyMs = NonNegative(value, name) },
                    "out" => options with { Out = value },
                    "workers" => options with { Workers = Positive(value, name) },
                    "kube-api-qps" => options with { KubeApiQps = value == "-1" ? -1 : PositiveDouble(value, name) },
                    "scenario" => options with { Scenario = string.Join(',', value.Split(',').Select(v => OneOf(v, name, Scenarios))) },
                    "rest-minutes" => options with { RestMinutes = PositiveDouble(value, name) },
                    "unrelated-secrets" => options with { UnrelatedSecrets = Positive(value, name) },
                    "warm-up" => options with { WarmUp = NonNegative(value, name) },
                    "vendor" => options with { Vendor = OneOf(value, name, Vendors) },
                    "vendor-rate-limit" => options with { VendorRateLimit = Positive(value, name) },
                    "operator-assembly" => options with { OperatorAssembly = value },
                    "operator" => options with { Operator = OneOf(value, name, ["published", "build"]) },
                    "operator-env" => options with { OperatorEnvironment = [.. options.OperatorEnvironment, Pair(value, name)] },
                    "timeout-minutes" => options with { Timeout = TimeSpan.FromMinutes(PositiveDouble(value, name)) },
                    _ => throw new FormatException($"unknown option --{name}"),
                };
            }
            catch (FormatException e)
            {
                return (null, e.Message);
            }
        }

        return (options, null);
    }

    private static int Positive(string text, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new FormatException($"--{name}: \"{text}\" is not a positive number");

    private static int NonNegative(string text, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"--{name}: \"{text}\" is not a number");

    private static double PositiveDouble(string text, string name) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0 ? d : throw new FormatException($"--{name}: \"{text}\" is not a positive number");

    private static KeyValuePair<string, string> Pair(string text, string name)
    {
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        return eq > 0 ? new(text[..eq], text[(eq + 1)..]) : throw new FormatException($"--{name}: \"{text}\" is not KEY=VALUE");
    }

    private static string OneOf(string text, string name, string[] allowed) =>
        allowed.Contains(text) ? text : throw new FormatException($"--{name}: \"{text}\" is not one of {string.Join(", ", allowed)}");
}
