namespace ServiceTokenOperator.Benchmarks;

/// <summary>The JSON the harness writes (design.md §6). Null means "not measured in this run" (see Notes).</summary>
internal sealed record BenchResult
{
    public required int Tokens { get; init; }
    public required string Vendor { get; init; }
    public required int VendorLatencyMs { get; init; }
    public required int VendorRateLimitPerMinute { get; init; }
    public required int Workers { get; init; }
    public required string Scenario { get; init; }
    public double? TimeToAllReadySeconds { get; init; }
    public required double KubeApiQps { get; init; }

    /// <summary>The larger of <see cref="IdealVendorSeconds"/> and <see cref="IdealApiSeconds"/>.</summary>
    public double? IdealSeconds { get; init; }

    /// <summary>Workers × vendor latency × calls, and the vendor's rate limit.</summary>
    public double? IdealVendorSeconds { get; init; }

    /// <summary>Three writes per issuance through the operator's --kube-api-qps bucket.</summary>
    public double? IdealApiSeconds { get; init; }
    public double? ReadyOverIdeal { get; init; }
    public double? ApiWritesPerIssuance { get; init; }
    public double? ApiEventWritesPerIssuance { get; init; }

    /// <summary>Single-object GETs plus LISTs the API server served to the operator: reads not from its caches.</summary>
    public double? ApiReadsPerIssuance { get; init; }

    public long? ApiWatchesOpened { get; init; }

    /// <summary>The operator's requests during the burst, "verb resource" → count (harness subtracted).</summary>
    public IReadOnlyDictionary<string, long>? ApiRequestsByVerbAndResource { get; init; }
    public double? VendorCallsPerIssuance { get; init; }
    public double? ReconcileP50Ms { get; init; }
    public double? ReconcileP99Ms { get; init; }
    public double? ReconcileTotalP50Ms { get; init; }
    public double? ReconcileTotalP99Ms { get; init; }

    /// <summary>p99 of the time one reconcile waited on the operator's client rate limiter (excluded from ReconcileP99Ms).</summary>
    public double? ClientThrottleP99Ms { get; init; }

    /// <summary>Time one reconcile awaited Kubernetes API requests, all of them together (excluded from ReconcileP99Ms).</summary>
    public double? KubeApiWaitP50Ms { get; init; }

    public double? KubeApiWaitP99Ms { get; init; }

    /// <summary>
    /// The reconcile's time minus its vendor waits only: the operator's own time plus its Kubernetes API requests, which
    /// here are the sandbox's latency on the machine the operator and harness share.
    /// </summary>
    public double? ReconcileExcludingVendorP50Ms { get; init; }

    public double? ReconcileExcludingVendorP99Ms { get; init; }

    /// <summary>The operator's garbage collections and JIT compilation during the burst.</summary>
    public RuntimeActivity? BurstRuntime { get; init; }
    public double? OperatorPeakRssMb { get; init; }

    /// <summary>Resident set once started and synced, before any ServiceToken (median of samples).</summary>
    public double? OperatorIdleRssMb { get; init; }

    /// <summary>Resident set after the burst settled (median of samples).</summary>
    public double? OperatorRssAfterBurstMb { get; init; }

    /// <summary>Resident set at the end of the rest scenario: with N tokens, once the burst's garbage is gone (median of samples).</summary>
    public double? OperatorRssAtRestMb { get; init; }
    public double? SteadyStateWritesPerMinute { get; init; }
    public double? SteadyStateVendorCallsPerMinute { get; init; }
    public double? SteadyStateReadsPerMinute { get; init; }
    /// <summary>The fresh process's first reconciles, before the burst (null with --warm-up 0).</summary>
    public WarmUpResult? WarmUp { get; init; }

    public RestartResult? Restart { get; init; }
    public WaveResult? Wave { get; init; }
    public RateLimitResult? RateLimit { get; init; }
    public UnrelatedSecretsResult? UnrelatedSecrets { get; init; }
    public required SandboxApiResult SandboxApi { get; init; }
    public required string OperatorGc { get; init; }
    public required List<string> Notes { get; init; }
}
