namespace ServiceTokenOperator.Benchmarks;

/// <summary>
/// The fastest any operator could make N tokens Ready: each worker issues one token at a time, each issuance takes
/// <c>callsPerIssuance</c> vendor round trips of <c>latency</c>, and the vendor admits <c>ratePerMinute</c> calls
/// per credential in a fixed one-minute window that starts with the first call (as the simulators count it).
/// <see cref="Seconds"/> also counts the operator's own Kubernetes client limit (--kube-api-qps, --kube-api-burst):
/// the physical floor of three writes per issuance must pass through it (no bound when it is off, -1). API latency
/// is not in the bound: it is the overhead being measured.
/// </summary>
internal static class IdealBound
{
    /// <summary>Finalizer, Secret, status.</summary>
    public const int FloorRequestsPerIssuance = 3;

    public static double Seconds(int tokens, int workers, int callsPerIssuance, double latencySeconds, int ratePerMinute, double apiQps, int apiBurst) =>
        Math.Max(VendorSeconds(tokens, workers, callsPerIssuance, latencySeconds, ratePerMinute), ApiSeconds(tokens, apiQps, apiBurst));

    /// <summary>The client token bucket: the burst goes at once, the rest at qps.</summary>
    public static double ApiSeconds(int tokens, double apiQps, int apiBurst) =>
        apiQps <= 0 ? 0 : Math.Max(0, (tokens * FloorRequestsPerIssuance) - apiBurst) / apiQps;

    public static double VendorSeconds(int tokens, int workers, int callsPerIssuance, double latencySeconds, int ratePerMinute)
    {
        double Work(int n) => Math.Ceiling(n / (double)workers) * callsPerIssuance * latencySeconds;

        var latencyBound = Work(tokens);
        if (ratePerMinute <= 0) return latencyBound;
        var perWindow = ratePerMinute / callsPerIssuance;
        if (perWindow <= 0 || tokens <= perWindow) return latencyBound;
        var fullWindows = (int)Math.Ceiling(tokens / (double)perWindow) - 1;
        var last = tokens - (fullWindows * perWindow);
        return Math.Max(latencyBound, (fullWindows * 60.0) + Work(last));
    }
}
