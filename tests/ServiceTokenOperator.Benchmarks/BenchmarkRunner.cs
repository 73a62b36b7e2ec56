using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ServiceTokenOperator.Sandbox.Vendors;
using ServiceTokenOperator.Sandbox.World;

namespace ServiceTokenOperator.Benchmarks;

/// <summary>
/// Hosts the sandbox world, runs the operator as its own process against it, and measures the scenarios of issue 9.
/// Every scenario starts with the burst that creates the tokens; the others reuse them.
/// </summary>
internal sealed class BenchmarkRunner(BenchOptions options, TextWriter console)
{
    private const string Namespace = "bench";
    private const string UnrelatedNamespace = "unrelated";
    private const string WarmUpNamespace = "bench-warmup";
    private const int HarnessParallelism = 16;
    private const string ReconcileOverhead = "servicetoken_reconcile_overhead_seconds";
    private const string ReconcileExcludingVendor = "servicetoken_reconcile_excluding_vendor_seconds";
    private const string ReconcileWait = "servicetoken_reconcile_wait_seconds";
    private const string ReconcileDuration = "servicetoken_reconcile_duration_seconds";
    private static readonly (string, string) TokenController = ("controller", "servicetoken");
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan OutageLength = TimeSpan.FromSeconds(10);
    /// <summary>Long enough for the operator's idle trim (two of its 30 s intervals) after a burst of events.</summary>
    private static readonly TimeSpan QuietTime = TimeSpan.FromSeconds(75);

    /// <summary>
    /// How often the resync's reconcile count is scraped: the answer is good to this much. A scrape writes every
    /// token's series (40,000 lines at 10,000 tokens), so scraping every 100 ms loaded the process being measured.
    /// </summary>
    private static readonly TimeSpan ResyncPoll = TimeSpan.FromMilliseconds(500);

    private readonly HttpClient _probe = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly List<string> _notes = [];
    private double _peakRssMb;

    private string TokensPath => TokensIn(Namespace);

    private static string TokensIn(string @namespace) => $"/apis/servicetoken.dev/v1alpha1/namespaces/{@namespace}/servicetokens";

    /// <summary>
    /// Vendor round trips of one issuance: PlanetScale creates, then grants the access of the one database in the
    /// spec; the others create, then verify the new token.
    /// </summary>
    private int CallsPerIssuance => 2;

    /// <summary>Per-credential vendor limit for the run: --vendor-rate-limit, else the simulators' default (600/min, PlanetScale's documented limit).</summary>
    private int RateLimit => options.VendorRateLimit > 0 ? options.VendorRateLimit : 600;

    public async Task<BenchResult> RunAsync(CancellationToken ct)
    {
        var assembly = await OperatorAssembly.LocateAsync(options, Say, ct);
        var dir = Directory.CreateTempSubdirectory("servicetoken-bench-").FullName;
        var logPath = Path.Combine(dir, "operator.log");
        Say($"operator: {assembly}");
        Say($"sandbox dir: {dir} (operator log: {logPath})");
        var crds = await Dotnet.RunAsync([assembly, "crds"], ct);
        await using var world = await SandboxWorld.StartAsync(new SandboxWorldOptions { Dir = dir, CrdYamls = [crds], VendorLatencyMs = options.VendorLatencyMs }, ct);
        FaultsOf(world).Apply(BaseFaults);
        using var kube = new KubeClient(world.Kube.BaseUri, world.Kube.AdminToken);
        var api = new ApiTraffic(world.Kube, kube);
        var vendors = new VendorTraffic(world);
        await kube.EnsureAsync("/api/v1/namespaces", Named(Namespace), ct);

        var op = await OperatorProcess.StartAsync(assembly, world.KubeconfigPath, options, logPath, ct);
        try
        {
            await WaitReadyzAsync(op, ct);
            await WaitIssuersReadyAsync(kube, ct);
            var idleRss = await SteadyRssAsync(op, ct);
            Say($"operator RSS with no ServiceTokens: {idleRss:F1} MB");
            var warmUp = options.WarmUp > 0 ? await WarmUpAsync(kube, op, ct) : null;
            await using var watcher = new TokenWatcher(kube, Namespace);
            await watcher.StartAsync(ct);

            var burst = await BurstAsync(world, kube, api, vendors, op, watcher, ct);
            var result = burst with { WarmUp = warmUp };
            if (options.Runs("rest"))
            {
                var (writes, calls, reads) = await RestAsync(api, vendors, ct);
                var restRss = await SteadyRssAsync(op, ct);
                Say($"rest: operator RSS at the end: {restRss:F1} MB");
                result = result with
                {
                    SteadyStateWritesPerMinute = Round(writes), SteadyStateVendorCallsPerMinute = Round(calls), SteadyStateReadsPerMinute = Round(reads),
                    OperatorRssAtRestMb = Round(restRss),
                };
            }

            if (options.Runs("wave")) result = result with { Wave = await WaveAsync(kube, api, vendors, watcher, "wave-1", ct) };
            TrackPeak(op);
            if (options.Runs("restart"))
            {
                var (restart, restarted) = await RestartAsync(assembly, world, kube, api, vendors, op, logPath, ct);
                op = restarted;
                result = result with { Restart = restart };
            }

            if (options.Runs("unrelated-secrets")) result = result with { UnrelatedSecrets = await UnrelatedSecretsAsync(kube, api, op, ct) };
            if (options.Runs("rate-limit")) result = result with { RateLimit = await RateLimitAsync(world, kube, api, vendors, watcher, ct) };
            TrackPeak(op);
            return result with { OperatorIdleRssMb = Round(idleRss), OperatorRssAfterBurstMb = Round(result.OperatorRssAfterBurstMb), OperatorPeakRssMb = Round(_peakRssMb), Notes = _notes };
        }
        finally
        {
            await op.DisposeAsync();
        }
    }

    private async Task<BenchResult> BurstAsync(SandboxWorld world, KubeClient kube, ApiTraffic api, VendorTraffic vendors, OperatorProcess op, TokenWatcher watcher, CancellationToken ct)
    {
        var n = options.Tokens;
        Say($"burst: creating {n} ServiceTokens ({options.Vendor}, vendor latency {options.VendorLatencyMs} ms, {options.Workers} workers)");
        var metricsBefore = await ScrapeAsync(op, ct);
        var apiBefore = api.Take();
        var vendorBefore = vendors.Take();
        var serverBefore = world.Kube.RequestCount;
        var start = Stopwatch.GetTimestamp();
        await CreateTokensAsync(kube, Namespace, n, TokenName, ct);
        var created = Stopwatch.GetElapsedTime(start);
        var done = await watcher.WaitAllAsync(n, s => s.Ready && s.Revision >= 1, options.Timeout);
        var readySeconds = done is { } d ? Stopwatch.GetElapsedTime(start, d).TotalSeconds : (double?)null;
        if (done is null) _notes.Add($"burst: only {watcher.Count(s => s.Ready)} of {n} Ready within {options.Timeout.TotalMinutes} min");
        Say($"burst: {watcher.Count(s => s.Ready)}/{n} Ready after {readySeconds:F1} s");
        var burstWindow = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var serverAfter = world.Kube.RequestCount;
        await Task.Delay(Settle, ct);
        var apiDelta = ApiTraffic.Between(apiBefore, api.Take());
        var vendorDelta = VendorTraffic.Between(vendorBefore, vendors.Take());
        var metricsAfter = await ScrapeAsync(op, ct);
        TrackPeak(op);
        var rssAfter = await SteadyRssAsync(op, ct);

        var overhead = Window(metricsBefore, metricsAfter, ReconcileOverhead);
        var runtime = RuntimeActivity.Between(metricsBefore, metricsAfter);
        Say($"burst: {runtime}");
        var duration = Window(metricsBefore, metricsAfter, ReconcileDuration, TokenController);
        var throttle = Window(metricsBefore, metricsAfter, ReconcileWait, ("on", "client_throttle"));
        var kubeApi = Window(metricsBefore, metricsAfter, ReconcileWait, ("on", "kube_api"));
        var excludingVendor = Window(metricsBefore, metricsAfter, ReconcileExcludingVendor);
        if (metricsAfter is null) _notes.Add("reconcile p50/p99: the operator serves no /metrics (observability branch not merged): reported null");
        else if (overhead is null) _notes.Add($"reconcile p50/p99: /metrics has no {ReconcileOverhead} histogram: reported null");

        var ideal = IdealBound.Seconds(n, options.Workers, CallsPerIssuance, options.VendorLatencyMs / 1000.0, RateLimit, options.KubeApiQps, options.KubeApiBurst);
        return new BenchResult
        {
            Tokens = n,
            Vendor = options.Vendor,
            VendorLatencyMs = options.VendorLatencyMs,
            VendorRateLimitPerMinute = RateLimit,
            Workers = options.Workers,
            Scenario = options.Scenario,
            TimeToAllReadySeconds = Round(readySeconds),
            IdealSeconds = Round(ideal),
            IdealVendorSeconds = Round(IdealBound.VendorSeconds(n, options.Workers, CallsPerIssuance, options.VendorLatencyMs / 1000.0, RateLimit)),
            IdealApiSeconds = Round(IdealBound.ApiSeconds(n, options.KubeApiQps, options.KubeApiBurst)),
            KubeApiQps = options.KubeApiQps,
            ReadyOverIdeal = readySeconds is { } r && ideal > 0 ? Round(r / ideal) : null,
            ApiWritesPerIssuance = Round(apiDelta.ObjectWrites / (double)n),
            ApiEventWritesPerIssuance = Round(apiDelta.EventWrites / (double)n),
            ApiReadsPerIssuance = Round(apiDelta.UncachedReads / (double)n),
            ApiWatchesOpened = apiDelta.Watches,
            ApiRequestsByVerbAndResource = apiDelta.ByVerbAndResource,
            VendorCallsPerIssuance = Round(vendorDelta.Calls / (double)n),
            ReconcileP50Ms = Ms(overhead?.Quantile(0.5)),
            ReconcileP99Ms = Ms(overhead?.Quantile(0.99)),
            ReconcileTotalP50Ms = Ms(duration?.Quantile(0.5)),
            ReconcileTotalP99Ms = Ms(duration?.Quantile(0.99)),
            ClientThrottleP99Ms = Ms(throttle?.Quantile(0.99)),
            KubeApiWaitP50Ms = Ms(kubeApi?.Quantile(0.5)),
            KubeApiWaitP99Ms = Ms(kubeApi?.Quantile(0.99)),
            ReconcileExcludingVendorP50Ms = Ms(excludingVendor?.Quantile(0.5)),
            ReconcileExcludingVendorP99Ms = Ms(excludingVendor?.Quantile(0.99)),
            BurstRuntime = runtime,
            SandboxApi = new SandboxApiResult(serverAfter - serverBefore, Round(burstWindow)!.Value, Round((serverAfter - serverBefore) / burstWindow)!.Value,
                Round(n / created.TotalSeconds)!.Value, world.Kube.RequestCount),
            OperatorGc = OperatorAssembly.GcMode(op.Assembly),
            OperatorRssAfterBurstMb = rssAfter,
            Notes = _notes,
        };
    }

    /// <summary>
    /// Issues --warm-up tokens in their own namespace and deletes them again (their tokens revoked, the world back to
    /// no ServiceToken), so that the burst after it measures the operator's steady cost: a fresh process's first
    /// reconciles compile its code paths, all workers at once, and at N = 100 those few decide the p99 alone.
    /// Their own time is reported apart as the cold cost.
    /// </summary>
    private async Task<WarmUpResult> WarmUpAsync(KubeClient kube, OperatorProcess op, CancellationToken ct)
    {
        var n = options.WarmUp;
        var path = TokensIn(WarmUpNamespace);
        Say($"warm-up: issuing {n} ServiceTokens in {WarmUpNamespace}, then deleting them");
        await kube.EnsureAsync("/api/v1/namespaces", Named(WarmUpNamespace), ct);
        await using var watcher = new TokenWatcher(kube, WarmUpNamespace);
        await watcher.StartAsync(ct);
        var metricsBefore = await ScrapeAsync(op, ct);
        var start = Stopwatch.GetTimestamp();
        await CreateTokensAsync(kube, WarmUpNamespace, n, WarmUpName, ct);
        var done = await watcher.WaitAllAsync(n, s => s.Ready && s.Revision >= 1, options.Timeout)
            ?? throw new TimeoutException($"warm-up: only {watcher.Count(s => s.Ready)} of {n} Ready within {options.Timeout.TotalMinutes} min");
        var readySeconds = Stopwatch.GetElapsedTime(start, done).TotalSeconds;
        await Task.Delay(Settle, ct);
        var metricsAfter = await ScrapeAsync(op, ct);
        var overhead = Window(metricsBefore, metricsAfter, ReconcileOverhead);
        var runtime = RuntimeActivity.Between(metricsBefore, metricsAfter);

        await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = HarnessParallelism, CancellationToken = ct },
            async (i, token) => await kube.DeleteAsync($"{path}/{WarmUpName(i)}", token));
        var deadline = Stopwatch.GetTimestamp() + (long)(options.Timeout.TotalSeconds * Stopwatch.Frequency);
        while (watcher.Count(_ => true) > 0)
        {
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"warm-up: {watcher.Count(_ => true)} tokens not gone within {options.Timeout.TotalMinutes} min");
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }

        await Task.Delay(Settle, ct);
        var result = new WarmUpResult(n, Round(readySeconds), Ms(overhead?.Quantile(0.5)), Ms(overhead?.Quantile(0.99)), Ms(overhead?.Max()), runtime);
        Say($"warm-up: {n} Ready after {readySeconds:F1} s; own time p50 {result.ReconcileP50Ms} ms, p99 {result.ReconcileP99Ms} ms, slowest ≤ {result.ReconcileMaxMs} ms; {runtime}; deleted");
        return result;
    }

    private async Task<(double Writes, double Calls, double Reads)> RestAsync(ApiTraffic api, VendorTraffic vendors, CancellationToken ct)
    {
        Say($"rest: {options.RestMinutes} min with every token Ready");
        var apiBefore = api.Take();
        var vendorBefore = vendors.Take();
        await Task.Delay(TimeSpan.FromMinutes(options.RestMinutes), ct);
        var apiDelta = ApiTraffic.Between(apiBefore, api.Take());
        var vendorDelta = VendorTraffic.Between(vendorBefore, vendors.Take());
        Say($"rest: {apiDelta.Writes} writes, {vendorDelta.Calls} vendor calls, {apiDelta.UncachedReads} reads not from the cache, {apiDelta.Watches} watches opened");
        return (apiDelta.Writes / options.RestMinutes, vendorDelta.Calls / options.RestMinutes, apiDelta.UncachedReads / options.RestMinutes);
    }

    private async Task<WaveResult> WaveAsync(KubeClient kube, ApiTraffic api, VendorTraffic vendors, TokenWatcher watcher, string request, CancellationToken ct)
    {
        var n = options.Tokens;
        Say($"wave: asking all {n} tokens to rotate at once");
        var apiBefore = api.Take();
        var vendorBefore = vendors.Take();
        var start = Stopwatch.GetTimestamp();
        await RequestRotationAsync(kube, request, ct);
        var done = await watcher.WaitAllAsync(n, s => s.Ready && s.LastRotateRequest == request, options.Timeout);
        var seconds = done is { } d ? Stopwatch.GetElapsedTime(start, d).TotalSeconds : (double?)null;
        if (done is null) _notes.Add($"wave: only {watcher.Count(s => s.LastRotateRequest == request)} of {n} rotated within {options.Timeout.TotalMinutes} min");
        Say($"wave: rotated after {seconds:F1} s");
        await Task.Delay(Settle, ct);
        var apiDelta = ApiTraffic.Between(apiBefore, api.Take());
        var vendorDelta = VendorTraffic.Between(vendorBefore, vendors.Take());
        var ideal = IdealBound.Seconds(n, options.Workers, CallsPerIssuance, options.VendorLatencyMs / 1000.0, RateLimit, options.KubeApiQps, options.KubeApiBurst);
        return new WaveResult(n, Round(seconds), Round(ideal), Round(apiDelta.ObjectWrites / (double)n)!.Value, Round(apiDelta.EventWrites / (double)n)!.Value,
            Round(apiDelta.UncachedReads / (double)n)!.Value, Round(vendorDelta.Calls / (double)n)!.Value, vendorDelta.Unaccounted, apiDelta.ByVerbAndResource);
    }

    /// <summary>A restart should write nothing: note how many ServiceTokens it rewrote, and what changed in the first.</summary>
    private void ExplainRewrites(JsonObject before, JsonObject after)
    {
        static Dictionary<string, JsonObject> ByName(JsonObject list) =>
            list["items"]!.AsArray().OfType<JsonObject>().ToDictionary(i => i["metadata"]!["name"]!.GetValue<string>(), StringComparer.Ordinal);

        var old = ByName(before);
        var changed = ByName(after).Values
            .Where(t => old.TryGetValue(t["metadata"]!["name"]!.GetValue<string>(), out var o) && o["metadata"]!["resourceVersion"]!.GetValue<string>() != t["metadata"]!["resourceVersion"]!.GetValue<string>())
            .ToList();
        if (changed.Count == 0) return;
        var first = changed[0];
        var was = old[first["metadata"]!["name"]!.GetValue<string>()];
        var diffs = Differences("status", was["status"], first["status"]).Take(5);
        _notes.Add($"restart: {changed.Count} ServiceTokens rewritten; {first["metadata"]!["name"]}: {string.Join("; ", diffs)}");
    }

    private static IEnumerable<string> Differences(string path, JsonNode? a, JsonNode? b)
    {
        if (a is JsonObject oa && b is JsonObject ob)
        {
            foreach (var key in oa.Select(p => p.Key).Union(ob.Select(p => p.Key)))
                foreach (var d in Differences($"{path}.{key}", oa[key], ob[key])) yield return d;
        }
        else if (a is JsonArray aa && b is JsonArray ab && aa.Count == ab.Count)
        {
            for (var i = 0; i < aa.Count; i++)
                foreach (var d in Differences($"{path}[{i}]", aa[i], ab[i])) yield return d;
        }
        else if (!JsonNode.DeepEquals(a, b))
        {
            yield return $"{path}: {a?.ToJsonString() ?? "null"} -> {b?.ToJsonString() ?? "null"}";
        }
    }

    private async Task<(RestartResult, OperatorProcess)> RestartAsync(string assembly, SandboxWorld world, KubeClient kube, ApiTraffic api, VendorTraffic vendors, OperatorProcess op,
        string logPath, CancellationToken ct)
    {
        var n = options.Tokens;
        Say($"restart: killing the operator (pid {op.Id}) with {n} Ready tokens and starting it again");
        TrackPeak(op);
        var tokensBefore = await kube.GetAsync(TokensPath, ct);
        var apiBefore = api.Take();
        var vendorBefore = vendors.Take();
        await op.DisposeAsync();
        var restarted = await OperatorProcess.StartAsync(assembly, world.KubeconfigPath, options, logPath, ct);
        var start = restarted.StartedAt;
        await WaitReadyzAsync(restarted, ct);
        var readyz = Stopwatch.GetElapsedTime(start).TotalSeconds;

        // Every token reconciled once by the new process: the reconcile histogram's count reaches N.
        double? resync = null;
        var basis = $"reconcile count from /metrics, scraped every {ResyncPoll.TotalSeconds:0.#} s";
        var deadline = Stopwatch.GetTimestamp() + (long)(options.Timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var metrics = await ScrapeAsync(restarted, ct);
            if (metrics is null)
            {
                basis = "readyz (no /metrics: rescheduling not observable, caches synced only)";
                resync = readyz;
                break;
            }

            // No series yet: nothing reconciled so far.
            var count = PrometheusText.Histogram(metrics, ReconcileDuration, TokenController)?.Count ?? 0;

            if (count >= n)
            {
                resync = Stopwatch.GetElapsedTime(start).TotalSeconds;
                break;
            }

            await Task.Delay(ResyncPoll, ct);
        }

        // Watch for stray work a little longer than the resync took, at least 10 s.
        var observe = Math.Max(10, (resync ?? readyz) * 2);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (observe > elapsed) await Task.Delay(TimeSpan.FromSeconds(observe - elapsed), ct);
        var apiDelta = ApiTraffic.Between(apiBefore, api.Take());
        var vendorDelta = VendorTraffic.Between(vendorBefore, vendors.Take());
        // The new process's reconciles are all of the resync: nothing to issue, the operator's cost alone.
        var tokensAfter = await kube.GetAsync(TokensPath, ct);
        ExplainRewrites(tokensBefore, tokensAfter);
        var resyncMetrics = await ScrapeAsync(restarted, ct);
        var resyncOverhead = resyncMetrics is null ? null : PrometheusText.Histogram(resyncMetrics, ReconcileOverhead);
        var resyncRuntime = RuntimeActivity.Between(null, resyncMetrics);
        Say($"restart: readyz {readyz:F1} s, resync {resync:F1} s ({basis}); {apiDelta.Writes} writes, {vendorDelta.Calls} vendor calls, {apiDelta.Gets} GETs, {apiDelta.Lists} LISTs; since start: {resyncRuntime}");
        return (new RestartResult(Round(resync), basis, Round(readyz), vendorDelta.Calls, apiDelta.Writes, apiDelta.Gets, apiDelta.Lists, Round(Math.Max(observe, elapsed))!.Value,
            Ms(resyncOverhead?.Quantile(0.5)), Ms(resyncOverhead?.Quantile(0.99)), apiDelta.ByVerbAndResource, resyncRuntime), restarted);
    }

    private async Task<UnrelatedSecretsResult> UnrelatedSecretsAsync(KubeClient kube, ApiTraffic api, OperatorProcess op, CancellationToken ct)
    {
        var count = options.UnrelatedSecrets;
        Say($"unrelated-secrets: creating {count} Secrets the operator does not manage");
        await kube.EnsureAsync("/api/v1/namespaces", Named(UnrelatedNamespace), ct);
        // Both ends measured once the operator is quiet: before, after whatever ran last (the burst, a wave).
        await Task.Delay(QuietTime, ct);
        var before = await SteadyRssAsync(op, ct);
        var apiBefore = api.Take();
        var payload = Convert.ToBase64String(new byte[512]);
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = HarnessParallelism, CancellationToken = ct },
            async (i, token) => await kube.CreateAsync($"/api/v1/namespaces/{UnrelatedNamespace}/secrets", new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Secret",
                ["metadata"] = new JsonObject { ["name"] = $"unrelated-{i:D5}", ["labels"] = new JsonObject { ["app"] = "unrelated" } },
                ["data"] = new JsonObject { ["payload"] = payload },
            }, token));
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        var rightAfter = await SteadyRssAsync(op, ct);
        // As for N tokens at rest: what holding them costs once the operator is quiet again (its idle trim runs
        // within two of its 30 s intervals), not the heap still holding 10,000 watch events.
        await Task.Delay(QuietTime, ct);
        var after = await SteadyRssAsync(op, ct);
        var apiDelta = ApiTraffic.Between(apiBefore, api.Take());
        Say($"unrelated-secrets: RSS {before:F1} MB -> {rightAfter:F1} MB 5 s after the last create -> {after:F1} MB settled");
        TrackPeak(op);
        return new UnrelatedSecretsResult(
            count, Round(before), Round(after), Round(after - before), Round(rightAfter - before), Round(op.PeakRssMb()), apiDelta.UncachedReads, apiDelta.Writes);
    }

    private async Task<RateLimitResult> RateLimitAsync(SandboxWorld world, KubeClient kube, ApiTraffic api, VendorTraffic vendors, TokenWatcher watcher, CancellationToken ct)
    {
        var n = options.Tokens;
        // Two windows' worth of work at most, so that the limit binds.
        var limit = Math.Min(RateLimit, Math.Max(10, n * CallsPerIssuance / 2));
        var faults = FaultsOf(world);
        var request = "outage-1";
        Say($"rate-limit: vendor outage for {OutageLength.TotalSeconds:F0} s during a rotation wave of {n}, then {limit} requests/min");
        faults.Apply(new FaultSettings { LatencyMs = options.VendorLatencyMs, ErrorRate = 1, ErrorStatus = 503 });
        var apiBefore = api.Take();
        var vendorBefore = vendors.Take();
        await RequestRotationAsync(kube, request, ct);
        await Task.Delay(OutageLength, ct);
        var vendorMid = vendors.Take();

        faults.Apply(new FaultSettings { LatencyMs = options.VendorLatencyMs, RateLimitPerMinute = limit });
        var start = Stopwatch.GetTimestamp();
        var done = await watcher.WaitAllAsync(n, s => s.Ready && s.LastRotateRequest == request, options.Timeout);
        var seconds = done is { } d ? Stopwatch.GetElapsedTime(start, d).TotalSeconds : (double?)null;
        if (done is null) _notes.Add($"rate-limit: only {watcher.Count(s => s.LastRotateRequest == request)} of {n} rotated within {options.Timeout.TotalMinutes} min");
        await Task.Delay(Settle, ct);
        var apiDelta = ApiTraffic.Between(apiBefore, api.Take());
        var vendorAfter = vendors.Take();
        faults.Apply(BaseFaults);
        var during = VendorTraffic.Between(vendorBefore, vendorMid);
        var recovery = VendorTraffic.Between(vendorMid, vendorAfter);
        // With verification calls (not PlanetScale) one call per issuance is not a create: take those out.
        var rejected = recovery.Unaccounted - (CallsPerIssuance - 1) * recovery.Created;
        Say($"rate-limit: rotated {seconds:F1} s after the outage; {during.Calls} calls during it, {recovery.Calls} after, {rejected} rejected");
        var ideal = IdealBound.Seconds(n, options.Workers, CallsPerIssuance, options.VendorLatencyMs / 1000.0, limit, options.KubeApiQps, options.KubeApiBurst);
        return new RateLimitResult(limit, OutageLength.TotalSeconds, n, Round(seconds), Round(ideal), during.Calls, recovery.Calls, rejected, apiDelta.Writes);
    }

    private async Task RequestRotationAsync(KubeClient kube, string request, CancellationToken ct) =>
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Tokens), new ParallelOptions { MaxDegreeOfParallelism = HarnessParallelism, CancellationToken = ct },
            async (i, token) => await kube.MergePatchAsync($"{TokensPath}/{TokenName(i)}",
                new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["servicetoken.dev/rotate"] = request } } }, token));

    private FaultSettings BaseFaults => new() { LatencyMs = options.VendorLatencyMs, RateLimitPerMinute = RateLimit };

    private FaultPlan FaultsOf(SandboxWorld world) => options.Vendor switch
    {
        "upsun" => world.Upsun.Faults,
        "platformsh" => world.Platformsh.Faults,
        "akka" => world.Akka.Faults,
        _ => world.PlanetScale.Faults,
    };

    private string IssuerName => options.Vendor switch
    {
        "upsun" => SandboxWorld.UpsunIssuer,
        "platformsh" => SandboxWorld.PlatformshIssuer,
        "akka" => SandboxWorld.AkkaIssuer,
        _ => SandboxWorld.PlanetScaleIssuer,
    };

    private JsonObject TokenManifest(string @namespace, string name)
    {
        var spec = new JsonObject
        {
            ["issuerRef"] = new JsonObject { ["kind"] = "ClusterTokenIssuer", ["name"] = IssuerName },
            // A realistic schedule: nothing is due during the run unless the harness asks for it.
            ["rotation"] = new JsonObject { ["every"] = "2160h" },
        };
        if (options.Vendor == "planetscale")
        {
            spec["planetscale"] = new JsonObject
            {
                ["accesses"] = new JsonArray(new JsonObject { ["database"] = "payments", ["permissions"] = new JsonArray("read_branch", "connect_branch") }),
            };
        }
        else if (options.Vendor == "akka")
        {
            spec["akka"] = new JsonObject { ["scopes"] = new JsonArray("execution") };
        }

        return new JsonObject
        {
            ["apiVersion"] = "servicetoken.dev/v1alpha1",
            ["kind"] = "ServiceToken",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = @namespace },
            ["spec"] = spec,
        };
    }

    private static string TokenName(int i) => $"bench-{i:D5}";

    private static string WarmUpName(int i) => $"warm-up-{i:D3}";

    private async Task CreateTokensAsync(KubeClient kube, string @namespace, int n, Func<int, string> nameOf, CancellationToken ct) =>
        await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = HarnessParallelism, CancellationToken = ct },
            async (i, token) => await kube.CreateAsync(TokensIn(@namespace), TokenManifest(@namespace, nameOf(i)), token));

    private static JsonObject Named(string name) => new() { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = name } };

    private async Task WaitReadyzAsync(OperatorProcess op, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (60 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (op.HasExited) throw new InvalidOperationException("the operator exited at start: see operator.log");
            try
            {
                using var response = await _probe.GetAsync(new Uri(op.MetricsBase, "/readyz"), ct);
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), ct);
        }

        throw new TimeoutException("the operator's /readyz did not answer 200 within 60 s");
    }

    /// <summary>All four issuers checked, so that their credential checks are not counted as the burst's vendor calls.</summary>
    private async Task WaitIssuersReadyAsync(KubeClient kube, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (60 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var issuers = await kube.GetAsync("/apis/servicetoken.dev/v1alpha1/clustertokenissuers", ct);
            var items = issuers["items"]!.AsArray().OfType<JsonObject>().ToList();
            var ready = items.Count(i => (i["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
                .Any(c => c["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True") == true);
            if (items.Count > 0 && ready == items.Count) return;
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }

        throw new TimeoutException("the sandbox's ClusterTokenIssuers were not all Ready within 60 s");
    }

    /// <summary>The operator's /metrics text, or null when it serves none (404 or not listening).</summary>
    private async Task<string?> ScrapeAsync(OperatorProcess op, CancellationToken ct)
    {
        try
        {
            using var response = await _probe.GetAsync(new Uri(op.MetricsBase, "/metrics"), ct);
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(ct) : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static Histogram? Window(string? before, string? after, string name, (string, string)? where = null)
    {
        if (after is null || PrometheusText.Histogram(after, name, where) is not { } end) return null;
        return end.Minus(before is null ? null : PrometheusText.Histogram(before, name, where));
    }

    /// <summary>Median of a few RSS samples, so that one GC in flight does not decide the number.</summary>
    private static async Task<double?> SteadyRssAsync(OperatorProcess op, CancellationToken ct)
    {
        var samples = new List<double>();
        for (var i = 0; i < 9; i++)
        {
            if (op.RssMb() is { } mb) samples.Add(mb);
            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
        }

        return samples.Count == 0 ? null : samples.Order().ElementAt(samples.Count / 2);
    }

    private void TrackPeak(OperatorProcess op)
    {
        if (op.PeakRssMb() is { } peak && peak > _peakRssMb) _peakRssMb = peak;
    }

    private void Say(string line) => console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[bench] {line}"));

    private static double? Round(double? value) => value is { } v && !double.IsNaN(v) && !double.IsInfinity(v) ? Math.Round(v, 3) : null;

    private static double? Ms(double? seconds) => Round(seconds * 1000);
}
