using Microsoft.Extensions.Logging;
using ServiceTokenOperator.Hosting;

namespace ServiceTokenOperator.Tests.Hosting;

public sealed class OperatorOptionsTests
{
    private static (OperatorOptions? Options, string? Error) Parse(string[] args, Dictionary<string, string>? env = null) =>
        OperatorOptions.Parse(args, name => env is not null && env.TryGetValue(name, out var v) ? v : null);

    [Fact]
    public void Parse_NoFlags_UsesDocumentedDefaults()
    {
        var (options, error) = Parse([]);

        Assert.Null(error);
        Assert.Equal(8080, options!.MetricsPort);
        Assert.True(options.LeaderElect);
        Assert.Equal("servicetoken-system", options.Namespace);
        Assert.Equal("servicetoken-system", options.EffectiveClusterResourceNamespace);
        Assert.Empty(options.WatchNamespaces);
        Assert.Null(options.Selector);
        Assert.Null(options.Shard);
        Assert.Equal(TimeSpan.FromSeconds(15), options.LeaseDuration);
        Assert.Equal(TimeSpan.FromSeconds(10), options.RenewDeadline);
        Assert.Equal(TimeSpan.FromSeconds(2), options.RetryPeriod);
        Assert.Equal("text", options.LogFormat);
        Assert.Equal(LogLevel.Information, options.LogLevel);
        Assert.Equal("servicetoken-operator", options.EffectiveLeaseName);
        Assert.Equal(OperatorOptions.Unlimited, options.KubeApiQps);
    }

    [Fact]
    public void Parse_EveryNewFlag_IsApplied()
    {
        var (options, error) = Parse([
            "--namespaces", "a, b,a", "--selector=team=payments,tier!=dev", "--workers", "8", "--kube-api-qps", "12.5", "--kube-api-burst", "40",
            "--cluster-resource-namespace", "issuers", "--cluster-id", "prod1", "--lease-duration=30s", "--renew-deadline=20s",
            "--retry-period=3s", "--shard", "1/3", "--log-format", "json", "--log-level", "debug",
        ]);

        Assert.Null(error);
        Assert.Equal(["a", "b"], options!.WatchNamespaces);
        Assert.Equal("team=payments,tier!=dev", options.Selector);
        Assert.Equal(8, options.Workers);
        Assert.Equal(12.5, options.KubeApiQps);
        Assert.Equal(40, options.KubeApiBurst);
        Assert.Equal("issuers", options.EffectiveClusterResourceNamespace);
        Assert.Equal("prod1", options.ClusterId);
        Assert.Equal(TimeSpan.FromSeconds(30), options.LeaseDuration);
        Assert.Equal(TimeSpan.FromSeconds(20), options.RenewDeadline);
        Assert.Equal(TimeSpan.FromSeconds(3), options.RetryPeriod);
        Assert.Equal(new ShardSpec(1, 3), options.Shard);
        Assert.Equal("servicetoken-operator-shard-1", options.EffectiveLeaseName);
        Assert.Equal("json", options.LogFormat);
        Assert.Equal(LogLevel.Debug, options.LogLevel);
    }

    [Fact]
    public void Parse_EnvironmentVariables_AreDefaultsThatFlagsOverride()
    {
        var env = new Dictionary<string, string>
        {
            ["WATCH_NAMESPACES"] = "team-a", ["SELECTOR"] = "env=prod", ["WORKERS"] = "2", ["SHARD"] = "0/2", ["LOG_FORMAT"] = "json",
            ["POD_NAME"] = "operator-7f9c", ["POD_NAMESPACE"] = "ops", ["LEASE_DURATION"] = "20s",
        };

        var (options, error) = Parse(["--workers", "6"], env);

        Assert.Null(error);
        Assert.Equal(["team-a"], options!.WatchNamespaces);
        Assert.Equal("env=prod", options.Selector);
        Assert.Equal(6, options.Workers);
        Assert.Equal(new ShardSpec(0, 2), options.Shard);
        Assert.Equal("json", options.LogFormat);
        Assert.Equal("operator-7f9c", options.Identity);
        Assert.Equal("ops", options.Namespace);
        Assert.Equal(TimeSpan.FromSeconds(20), options.LeaseDuration);
    }

    [Theory]
    [InlineData("--shard=2/2", "--shard: \"2/2\" is not N/M")]
    [InlineData("--shard=1", "--shard: \"1\" is not N/M")]
    [InlineData("--shard=0/0", "--shard: \"0/0\" is not N/M")]
    [InlineData("--log-format=xml", "--log-format: \"xml\" is not text or json")]
    [InlineData("--log-level=loud", "--log-level: \"loud\" is not one of")]
    [InlineData("--namespaces=Team_A", "--namespaces: \"Team_A\" is not a DNS label")]
    [InlineData("--namespaces=,", "--namespaces: \",\" names no namespace")]
    [InlineData("--selector=a=b,,c", "--selector: \"a=b,,c\" is not a label selector")]
    [InlineData("--selector=a;b", "--selector: \"a;b\" is not a label selector")]
    [InlineData("--kube-api-qps=-2", "--kube-api-qps: \"-2\" is not a positive number or -1 (no client-side limit)")]
    [InlineData("--kube-api-qps=0", "--kube-api-qps: \"0\" is not a positive number or -1 (no client-side limit)")]
    [InlineData("--kube-api-burst=0", "--kube-api-burst: \"0\" is not a positive number")]
    [InlineData("--workers=0", "--workers: \"0\" is not a positive number")]
    [InlineData("--lease-duration=soon", "--lease-duration: \"soon\" is not a duration")]
    [InlineData("--renew-deadline=15s", "--renew-deadline (15s) must be shorter than --lease-duration (15s)")]
    [InlineData("--retry-period=10s", "--retry-period (10s) must be shorter than --renew-deadline (10s)")]
    [InlineData("--kube-api-qps=50", "--kube-api-burst (30) must be at least --kube-api-qps (50)")]
    [InlineData("--cluster-resource-namespace=-x", "--cluster-resource-namespace: \"-x\" is not a DNS label")]
    [InlineData("--leader-elect=maybe", "--leader-elect: \"maybe\" is not true or false")]
    [InlineData("--shards=1/2", "unknown flag --shards")]
    public void Parse_InvalidValue_FailsWithAnErrorNamingTheFlag(string arg, string expected)
    {
        var (options, error) = Parse([arg]);

        Assert.Null(options);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidEnvironmentVariable_FailsAtStart()
    {
        var (options, error) = Parse([], new Dictionary<string, string> { ["SHARD"] = "3/2" });

        Assert.Null(options);
        Assert.Contains("--shard: \"3/2\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Owns_WatchedNamespacesAndShard_BothMustMatch()
    {
        var options = new OperatorOptions { WatchNamespaces = ["a"], Shard = new ShardSpec(ShardSpec.Of("a", "t1", 2), 2) };

        Assert.True(options.Owns("a", "t1"));
        Assert.False(options.Owns("b", "t1"));
        Assert.False(new OperatorOptions { Shard = new ShardSpec(1 - ShardSpec.Of("a", "t1", 2), 2) }.Owns("a", "t1"));
    }
}
