using System.Globalization;
using System.Text;

namespace ServiceTokenOperator.Benchmarks;

/// <summary>The short human summary printed and written beside the JSON: each measure against its target of issue 9.</summary>
internal static class MarkdownSummary
{
    public static string Render(BenchResult r, string command)
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"### ServiceToken Operator benchmark: {r.Tokens} tokens, {r.Vendor}, {r.VendorLatencyMs} ms vendor latency, {r.Workers} workers, vendor limit {r.VendorRateLimitPerMinute}/min");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"`{command}`");
        s.AppendLine();
        s.AppendLine("| measure | value | target |");
        s.AppendLine("|---|---|---|");
        if (r.WarmUp is { } wu)
        {
            Row(s, $"warm-up before the burst: {wu.Tokens} tokens, time to all Ready (s)", wu.TimeToAllReadySeconds, "");
            Row(s, "warm-up: reconcile p99, the fresh process's first, waits excluded (ms)", wu.ReconcileP99Ms, "");
            Row(s, "warm-up: slowest reconcile, waits excluded (ms, bucket bound)", wu.ReconcileMaxMs, "");
            Row(s, "warm-up: JIT compilation (ms)", wu.Runtime?.JitMs, wu.Runtime is { } wr ? $"{F(wr.JitMethods)} methods" : "");
        }

        Row(s, "time to all Ready (s)", r.TimeToAllReadySeconds, r.IdealSeconds is { } i
            ? $"≤ {F(1.2 * i)} (1.2 × ideal {F(i)}: vendor {F(r.IdealVendorSeconds ?? 0)}, API at {F(r.KubeApiQps)}/s {F(r.IdealApiSeconds ?? 0)})"
            : "");
        Row(s, "API writes / issuance", r.ApiWritesPerIssuance, "3");
        Row(s, "API Event writes / issuance (not in the floor)", r.ApiEventWritesPerIssuance, "");
        Row(s, "API reads / issuance (GETs + LISTs, not from the cache)", r.ApiReadsPerIssuance, "0");
        Row(s, "vendor calls / issuance", r.VendorCallsPerIssuance, r.Vendor == "planetscale" ? "2 (create + grant access)" : "2 (create + verify)");
        Row(s, "reconcile p50, vendor, API and client throttle waits excluded (ms)", r.ReconcileP50Ms, "");
        Row(s, "reconcile p99, vendor, API and client throttle waits excluded (ms)", r.ReconcileP99Ms, "< 5");
        if (r.BurstRuntime is { } rt)
        {
            Row(s, "burst: garbage collections (gen0 / gen1 / gen2), pause in all (ms)", rt.GcPauseMs, $"{F(rt.Gen0Collections)} / {F(rt.Gen1Collections)} / {F(rt.Gen2Collections)}");
            Row(s, "burst: JIT compilation (ms)", rt.JitMs, $"{F(rt.JitMethods)} methods");
        }

        Row(s, "Kubernetes API wait per reconcile, p50 (ms)", r.KubeApiWaitP50Ms, "");
        Row(s, "Kubernetes API wait per reconcile, p99 (ms)", r.KubeApiWaitP99Ms, "");
        Row(s, "reconcile p50, vendor waits alone excluded (ms)", r.ReconcileExcludingVendorP50Ms, "");
        Row(s, "reconcile p99, vendor waits alone excluded (ms)", r.ReconcileExcludingVendorP99Ms, "");
        Row(s, "client rate limiter wait per reconcile, p99 (ms)", r.ClientThrottleP99Ms, "");
        Row(s, "operator RSS idle, after the burst (MB)", r.OperatorIdleRssMb, r.OperatorRssAfterBurstMb is { } after ? $"after the burst: {F(after)}" : "");
        Row(s, "operator RSS at the end of the rest (MB)", r.OperatorRssAtRestMb, "< 150 at 10,000 tokens");
        Row(s, "operator peak RSS (MB)", r.OperatorPeakRssMb, "");
        Row(s, "writes / min at rest", r.SteadyStateWritesPerMinute, "0");
        Row(s, "vendor calls / min at rest", r.SteadyStateVendorCallsPerMinute, "0");
        if (r.Wave is { } w)
        {
            Row(s, "rotation wave: time (s)", w.Seconds, w.IdealSeconds is { } wi ? $"ideal {F(wi)}" : "");
            Row(s, "rotation wave: API writes / rotation", w.ApiWritesPerRotation, "≤ 3 (+1 revocation later)");
            Row(s, "rotation wave: API reads / rotation (not from the cache)", w.ApiReadsPerRotation, "0");
            Row(s, "rotation wave: vendor calls / rotation", w.VendorCallsPerRotation, "2");
        }

        if (r.Restart is { } rs)
        {
            Row(s, "restart: resync (s)", rs.ResyncSeconds, "≤ 10 at 10,000 tokens");
            Row(s, "restart: vendor calls", rs.VendorCalls, "0");
            Row(s, "restart: writes", rs.Writes, "0");
            Row(s, "restart: GETs (LISTs of the initial sync apart)", rs.Gets, "0");
            Row(s, "restart: reconcile p99 of the resync, waits excluded (ms)", rs.ReconcileP99Ms, "< 5");
            if (rs.RuntimeSinceStart is { } rr)
                Row(s, "restart: GC pause and JIT compilation since the start (ms)", rr.GcPauseMs, $"JIT {F(rr.JitMs)} ms, {F(rr.JitMethods)} methods");
        }

        if (r.UnrelatedSecrets is { } u)
        {
            Row(s, $"extra RSS with {u.Count} unrelated Secrets, settled (MB)", u.ExtraRssMb, "< 10");
            Row(s, $"extra RSS with {u.Count} unrelated Secrets, 5 s after the last create (MB)", u.ExtraRssRightAfterMb, "");
        }
        if (r.RateLimit is { } rl)
        {
            Row(s, $"after a {F(rl.OutageSeconds)} s outage at {rl.LimitPerMinute}/min: time to rotated (s)", rl.SecondsAfterOutage, rl.IdealSecondsAfterOutage is { } ri ? $"ideal {F(ri)}" : "");
            Row(s, "after the outage: 429s drawn", rl.RejectedCalls, "no storm");
        }

        Row(s, "sandbox API requests/s during the burst", r.SandboxApi.RequestsPerSecond, "");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"Operator GC: {r.OperatorGc}.");
        if (r.ApiRequestsByVerbAndResource is { Count: > 0 } byKey)
            s.AppendLine(CultureInfo.InvariantCulture, $"Operator API requests during the burst: {string.Join(", ", byKey.Select(p => $"{p.Key} {p.Value}"))}.");
        foreach (var note in r.Notes) s.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
        return s.ToString();
    }

    private static void Row(StringBuilder s, string name, double? value, string target) =>
        s.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {(value is { } v ? F(v) : "n/a")} | {target} |");

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string F(double? v) => v is { } d ? F(d) : "n/a";
}
