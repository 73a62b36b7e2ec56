using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using k8s;
using ServiceTokenOperator.Hosting;
using ServiceTokenOperator.Observability;

namespace ServiceTokenOperator.IntegrationTests.Hosting;

/// <summary>Several operator replicas against one sandbox: one Lease, one active replica; shards split the fleet.</summary>
public sealed class HighAvailabilityTests
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(4);

    private static void FastLease(OperatorOptions o)
    {
        o.LeaseDuration = LeaseDuration;
        o.RenewDeadline = TimeSpan.FromSeconds(3);
        o.RetryPeriod = TimeSpan.FromMilliseconds(500);
    }

    [Fact]
    public async Task TwoReplicas_OneLeads_LeaderStopped_OtherTakesOverWithinTheLeaseDuration_NoTokenIssuedTwice()
    {
        await using var replicas = await OperatorReplicas.StartAsync();
        var a = await replicas.StartReplicaAsync("replica-a", FastLease);
        var b = await replicas.StartReplicaAsync("replica-b", FastLease);

        await Eventually.TrueAsync(async () => await ReadyzAsync(replicas, a) && await ReadyzAsync(replicas, b), "both replicas to report ready", seconds: 30);
        await Eventually.TrueAsync(() => Task.FromResult(a.Controllers.IsLeader ^ b.Controllers.IsLeader), "exactly one leader", seconds: 30);
        for (var i = 0; i < 3; i++) await replicas.ApplyTokenAsync($"ha-{i}");
        for (var i = 0; i < 3; i++) await replicas.ReadyAsync($"ha-{i}");

        var (leaderName, leader, follower) = a.Controllers.IsLeader ? ("replica-a", a, b) : ("replica-b", b, a);
        Assert.False(follower.Controllers.IsLeader);
        Assert.True(follower.Controllers.Ready);
        var lease = await replicas.Client.CoordinationV1.ReadNamespacedLeaseAsync("servicetoken-operator", replicas.World.Options.OperatorNamespace);
        Assert.Equal(leaderName, lease.Spec.HolderIdentity);
        // Only the leader reconciles: the follower's queue metrics show no reconcile at all.
        Assert.DoesNotMatch($"(?m)^{OperatorMetrics.ReconcileDuration}_count", await ScrapeAsync(replicas, follower));
        Assert.Matches($"(?m)^{OperatorMetrics.ReconcileDuration}_count", await ScrapeAsync(replicas, leader));
        // Token gauges come from the leader alone, so two scraped replicas do not report each token twice.
        Assert.DoesNotMatch($"(?m)^{OperatorMetrics.ReadyStatus}\\{{", await ScrapeAsync(replicas, follower));
        Assert.Matches($"(?m)^{OperatorMetrics.ReadyStatus}\\{{[^}}]*name=\"ha-0\"", await ScrapeAsync(replicas, leader));

        var clock = Stopwatch.StartNew();
        await replicas.StopReplicaAsync(leaderName);
        await Eventually.TrueAsync(() => Task.FromResult(follower.Controllers.IsLeader), "the follower to take over", seconds: 30);
        Assert.True(clock.Elapsed < LeaseDuration, $"took over after {clock.Elapsed}");

        await replicas.ApplyTokenAsync("ha-after");
        await replicas.ReadyAsync("ha-after");

        // One vendor token per ServiceToken: neither the hand-over nor the new leader's full resync issued again.
        var names = replicas.AkkaTokens().Select(t => t.Name ?? "").ToList();
        foreach (var token in new[] { "ha-0", "ha-1", "ha-2", "ha-after" })
            Assert.Single(names, n => n.Contains($"-default-{token}-r", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TwoShards_EachWithItsOwnLease_TogetherCoverEveryTokenExactlyOnce()
    {
        await using var replicas = await OperatorReplicas.StartAsync();
        var shards = new[]
        {
            await replicas.StartReplicaAsync("shard-0", o => { FastLease(o); o.Shard = new ShardSpec(0, 2); }),
            await replicas.StartReplicaAsync("shard-1", o => { FastLease(o); o.Shard = new ShardSpec(1, 2); }),
        };
        var tokens = Enumerable.Range(0, 10).Select(i => $"shard-t{i}").ToList();
        Assert.Contains(tokens, t => ShardSpec.Of("default", t, 2) == 0);
        Assert.Contains(tokens, t => ShardSpec.Of("default", t, 2) == 1);

        await Eventually.TrueAsync(() => Task.FromResult(shards.All(s => s.Controllers.IsLeader)), "each shard to lead its own lease", seconds: 30);
        foreach (var token in tokens) await replicas.ApplyTokenAsync(token);
        foreach (var token in tokens) await replicas.ReadyAsync(token);

        for (var shard = 0; shard < 2; shard++)
        {
            var lease = await replicas.Client.CoordinationV1.ReadNamespacedLeaseAsync($"servicetoken-operator-shard-{shard}", replicas.World.Options.OperatorNamespace);
            Assert.Equal($"shard-{shard}", lease.Spec.HolderIdentity);
        }

        // Each shard reports (and so reconciles) exactly its own tokens; together they are every token, once.
        var seen = new List<string>();
        for (var shard = 0; shard < 2; shard++)
        {
            var text = await ScrapeAsync(replicas, shards[shard]);
            var names = Regex.Matches(text, $"(?m)^{OperatorMetrics.ReadyStatus}\\{{[^}}]*name=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
            Assert.All(names, n => Assert.Equal(shard, ShardSpec.Of("default", n, 2)));
            seen.AddRange(names);
        }

        Assert.Equal(tokens.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        var events = await Eventually.ValueAsync(
            async () => (await replicas.Client.CoreV1.ListNamespacedEventAsync("default")).Items.Where(e => e.Reason == "Issued").ToList(),
            issued => tokens.All(t => issued.Any(e => e.InvolvedObject.Name == t)), "an Issued event for every token");
        foreach (var token in tokens)
        {
            var issued = Assert.Single(events, e => e.InvolvedObject.Name == token);
            Assert.Equal($"shard-{ShardSpec.Of("default", token, 2)}", issued.ReportingInstance);
        }

        var vendorNames = replicas.AkkaTokens().Select(t => t.Name ?? "").ToList();
        foreach (var token in tokens) Assert.Single(vendorNames, n => n.Contains($"-default-{token}-r", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WatchedNamespacesAndSelector_OnlyMatchingTokensReconciled()
    {
        await using var replicas = await OperatorReplicas.StartAsync();
        using (var applier = replicas.World.CreateApplier())
        {
            foreach (var ns in new[] { "team-b", "team-c" })
                await applier.ApplyAsync($"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n", null, CancellationToken.None);
            foreach (var (ns, name, label) in new[] { ("default", "sel-yes", true), ("default", "sel-no", false), ("team-b", "sel-b", true), ("team-c", "sel-c", true) })
            {
                await applier.ApplyAsync($"""
                    apiVersion: servicetoken.dev/v1alpha1
                    kind: ServiceToken
                    metadata:
                      name: {name}
                      labels:
                        tier: {(label ? "prod" : "dev")}
                    spec:
                      issuerRef:
                        kind: ClusterTokenIssuer
                        name: sandbox-akka
                    """, ns, CancellationToken.None);
            }
        }

        await replicas.StartReplicaAsync("filtered", o =>
        {
            o.LeaderElect = false;
            o.WatchNamespaces = ["default", "team-b"];
            o.Selector = "tier=prod";
        });

        await replicas.ReadyAsync("sel-yes");
        var names = await Eventually.ValueAsync(() => Task.FromResult(replicas.AkkaTokens().Select(t => t.Name ?? "").ToList()),
            n => n.Any(x => x.Contains("-team-b-sel-b-r", StringComparison.Ordinal)), "the watched team-b token to be issued");
        // Proving that nothing happens needs a window: the other two would have been issued by now alongside these.
        await Task.Delay(1000);
        names = [.. replicas.AkkaTokens().Select(t => t.Name ?? "")];
        Assert.DoesNotContain(names, n => n.Contains("-default-sel-no-r", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.Contains("-team-c-sel-c-r", StringComparison.Ordinal));
        Assert.Null((await replicas.GetTokenAsync("sel-no"))!.Status);
    }

    private static async Task<bool> ReadyzAsync(OperatorReplicas replicas, OperatorHost host)
    {
        using var response = await replicas.Http.GetAsync(new Uri(host.MetricsBase, "/readyz"));
        return response.StatusCode == HttpStatusCode.OK;
    }

    private static Task<string> ScrapeAsync(OperatorReplicas replicas, OperatorHost host) =>
        replicas.Http.GetStringAsync(new Uri(host.MetricsBase, "/metrics"));
}
