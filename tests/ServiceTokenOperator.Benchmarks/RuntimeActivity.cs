namespace ServiceTokenOperator.Benchmarks;

/// <summary>
/// What the operator's runtime did in a window, from its System.Runtime meter on /metrics: bytes allocated, garbage collections by
/// generation and the time they paused it (every reconcile in flight waits), and methods JIT-compiled with the time
/// spent compiling. Null fields: the operator exposes no such series.
/// </summary>
internal sealed record RuntimeActivity(
    double? AllocatedMb, double? Gen0Collections, double? Gen1Collections, double? Gen2Collections, double? GcPauseMs, double? JitMethods, double? JitMs)
{
    private const string Allocated = "dotnet_gc_heap_total_allocated_bytes_total";
    private const string Collections = "dotnet_gc_collections_total";
    private const string PauseSeconds = "dotnet_gc_pause_time_seconds_total";
    private const string JitCompiled = "dotnet_jit_compiled_methods_total";
    private const string JitSeconds = "dotnet_jit_compilation_time_seconds_total";

    /// <summary>The difference between two scrapes; from process start when <paramref name="before"/> is null.</summary>
    public static RuntimeActivity? Between(string? before, string? after)
    {
        if (after is null) return null;
        double? Delta(string name, (string, string)? where = null) =>
            PrometheusText.Sum(after, name, where) is { } end ? Math.Round(end - (before is null ? 0 : PrometheusText.Sum(before, name, where) ?? 0), 3) : null;

        return new RuntimeActivity(
            Delta(Allocated) is { } bytes ? Math.Round(bytes / 1024 / 1024, 1) : null,
            Delta(Collections, ("gc_heap_generation", "gen0")),
            Delta(Collections, ("gc_heap_generation", "gen1")),
            Delta(Collections, ("gc_heap_generation", "gen2")),
            Delta(PauseSeconds) is { } pause ? Math.Round(pause * 1000, 1) : null,
            Delta(JitCompiled),
            Delta(JitSeconds) is { } jit ? Math.Round(jit * 1000, 1) : null);
    }

    public override string ToString() =>
        $"{AllocatedMb} MB allocated; GCs gen0/gen1/gen2 {Gen0Collections}/{Gen1Collections}/{Gen2Collections} pausing {GcPauseMs} ms; {JitMethods} methods JIT-compiled in {JitMs} ms";
}
