using System.Net.Http.Headers;
using ServiceTokenOperator.IntegrationTests.Controllers;
using ServiceTokenOperator.Sandbox.World;
using Xunit.Abstractions;

namespace ServiceTokenOperator.IntegrationTests.Reliability;

/// <summary>
/// The Kubernetes API misbehaving the ways a real one does, against the in-process operator: failed writes, latency,
/// dropped watches, a compacted watch cache, and the API down for a while. Each time the same operator (no restart)
/// completes issue, rotation and deletion, the invariants hold on every look, and the requests it sent stay
/// bounded: a hot loop would send thousands.
/// </summary>
public sealed class KubeApiFaultTests(ITestOutputHelper output)
{
    // A whole lifecycle under faults, informer watches and re-lists included. Measured without faults it takes a
    // few dozen requests; a retry loop without backoff makes hundreds per second.
    private const long LifecycleRequestBound = 400;

    public static TheoryData<int> WriteErrors => [409, 429, 500, 503];

    [Theory]
    [MemberData(nameof(WriteErrors))]
    public async Task WritesOfStatusAndSecretsFail_LifecycleCompletes_RequestsBounded(int code)
    {
        // A failed Secret write after the vendor create leaves that token to the orphan sweep (the reconciler revokes
        // it at once only for a 4xx refusal): sweep in seconds so that the invariants converge within the test.
        await using var world = await TunedOperatorWorld.StartAsync(o =>
        {
            o.OrphanSweepInterval = TimeSpan.FromSeconds(2);
            o.OrphanSafetyWindow = TimeSpan.FromSeconds(10);
        });
        using var driver = new LifecycleDriver(world, SandboxWorld.PlanetScaleIssuer, world.World.PlanetScale.Tokens);
        var faults = world.World.Kube.Faults;
        var name = $"writes-{code}";
        await driver.WaitOperatorRunningAsync();
        var start = driver.OperatorRequests;

        void FailWrites()
        {
            faults.FailNext(2, "update", "servicetokens/status", code);
            faults.FailNext(2, "create", "secrets", code);
            faults.FailNext(2, "update", "secrets", code);
        }

        FailWrites();
        await driver.CreateAsync(name, seconds: 60);
        FailWrites();
        await driver.RotateAsync(name, "under-faults", seconds: 60);
        FailWrites();
        await driver.DeleteAsync(name, seconds: 60);

        var sent = driver.OperatorRequests - start;
        var issued = driver.VendorTokensOf(name).Count;
        output.WriteLine($"{code}: the operator sent {sent} API requests and created {issued} vendor tokens for 2 revisions");
        Assert.True(sent <= LifecycleRequestBound, $"{sent} API requests for one lifecycle under {code}s");
    }

    [Fact]
    public async Task ApiLatency_LifecycleCompletes_RequestsBounded()
    {
        await using var world = await TunedOperatorWorld.StartAsync(_ => { });
        using var driver = new LifecycleDriver(world, SandboxWorld.UpsunIssuer, world.World.Upsun.Tokens);
        var start = driver.OperatorRequests;
        world.World.Kube.Faults.Latency = TimeSpan.FromMilliseconds(250);
        try
        {
            await driver.CreateAsync("slow-api", seconds: 60);
            await driver.RotateAsync("slow-api", "slow", seconds: 60);
            await driver.DeleteAsync("slow-api", seconds: 60);
        }
        finally
        {
            world.World.Kube.Faults.Latency = TimeSpan.Zero;
        }

        var sent = driver.OperatorRequests - start;
        output.WriteLine($"latency: the operator sent {sent} API requests for the lifecycle");
        Assert.True(sent <= LifecycleRequestBound, $"{sent} API requests for one lifecycle with latency");
    }

    [Fact]
    public async Task WatchesDroppedRepeatedly_LifecycleCompletes_RequestsBounded()
    {
        await using var world = await TunedOperatorWorld.StartAsync(_ => { });
        using var driver = new LifecycleDriver(world, SandboxWorld.PlatformshIssuer, world.World.Platformsh.Tokens);
        var start = driver.OperatorRequests;
        var drops = 0;
        async Task Step(Func<Task> step)
        {
            world.World.Kube.Faults.CloseWatches();
            drops++;
            await step();
        }

        await Step(() => driver.CreateAsync("dropped"));
        await Step(() => driver.RotateAsync("dropped", "after-drop"));
        // A change made while no watch is open must still be seen: drop, change at once, then converge.
        await Step(() => driver.RotateAsync("dropped", "after-second-drop"));
        await Step(() => driver.DeleteAsync("dropped"));

        var sent = driver.OperatorRequests - start;
        output.WriteLine($"dropped watches: {drops} drops, the operator sent {sent} API requests");
        Assert.True(sent <= LifecycleRequestBound, $"{sent} API requests for one lifecycle with {drops} dropped watches");
    }

    [Fact]
    public async Task WatchCacheCompacted_InformersRelistAfter410_LifecycleCompletes()
    {
        await using var world = await TunedOperatorWorld.StartAsync(_ => { });
        using var driver = new LifecycleDriver(world, SandboxWorld.AkkaIssuer, world.World.Akka.Tokens);
        var start = driver.OperatorRequests;
        await driver.CreateAsync("compacted");

        // Changes the informers have not seen yet, then the cache they would resume from is gone: 410 Gone, re-list.
        world.World.Kube.Faults.Compact();
        world.World.Kube.Faults.CloseWatches();
        await driver.RotateAsync("compacted", "after-compaction");
        world.World.Kube.Faults.Compact();
        world.World.Kube.Faults.CloseWatches();
        await driver.DeleteAsync("compacted");

        var sent = driver.OperatorRequests - start;
        output.WriteLine($"compaction: the operator sent {sent} API requests");
        Assert.True(sent <= LifecycleRequestBound, $"{sent} API requests for one lifecycle across two compactions");
    }

    [Fact]
    public async Task ApiUnavailable_EveryRequest503_OperatorBacksOffThenRecoversWithoutRestart()
    {
        await using var world = await TunedOperatorWorld.StartAsync(_ => { });
        using var driver = new LifecycleDriver(world, SandboxWorld.PlanetScaleIssuer, world.World.PlanetScale.Tokens);
        await driver.CreateAsync("outage");

        // The API answers 503 to everything, open watches drop with it. A budget of failures far above what ten seconds
        // of bounded retries need: if the operator spent it all, the outage would end early and the bound below fail.
        const int budget = 3000;
        var kube = world.World.Kube;
        kube.Faults.FailNext(budget, null, null, 503);
        kube.Faults.CloseWatches();
        var before = kube.RequestCount;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // The outage itself, not a wait for a condition: the test sends nothing to the API meanwhile.
        await Task.Delay(TimeSpan.FromSeconds(10));
        var duringOutage = kube.RequestCount - before;
        output.WriteLine($"outage: the operator sent {duringOutage} requests in {clock.Elapsed.TotalSeconds:F1}s of 503s");
        Assert.True(duringOutage <= 300, $"{duringOutage} API requests in {clock.Elapsed.TotalSeconds:F1}s of outage: no backoff");
        Assert.True(duringOutage > 0, "the operator noticed nothing of the outage");

        var drained = await EndOutageAsync(world.World);
        output.WriteLine($"outage ended after draining {drained} injected failures");

        await driver.RotateAsync("outage", "after-outage", seconds: 60);
        await driver.DeleteAsync("outage", seconds: 60);
    }

    /// <summary>Spends the failure budget the operator left with the test's own requests, until the API answers again.</summary>
    private static async Task<int> EndOutageAsync(SandboxWorld world)
    {
        using var http = new HttpClient { BaseAddress = world.Kube.BaseUri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", world.Kube.AdminToken);
        var drained = 0;
        var answered = false;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!answered)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the outage did not end after {drained} drained failures");
            var batch = await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
            {
                using var response = await http.GetAsync("/api/v1/namespaces/default/configmaps");
                return response.IsSuccessStatusCode;
            }));
            drained += batch.Count(ok => !ok);
            answered = batch.Any(ok => ok);
        }

        return drained;
    }
}
