namespace ServiceTokenOperator.Benchmarks;

/// <summary>
/// The fastest any operator could make N tokens Ready: each worker issues one token at a time, each issuance takes
/// <c>callsPerIssuance</c> vendor round trips of <c>latency</c>, and the vendor admits <c>ratePerMinute</c> calls
/// per credential in a fixed one-minute window that starts with the first call (as the simulators count it).
/// API time is not in the bound: it is the overhead being measured.
/// </summary>
internal static class IdealBound
{
    public static double Seconds(int tokens, int workers, int callsPerIssuance, double latencySeconds, int ratePerMinute)
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
