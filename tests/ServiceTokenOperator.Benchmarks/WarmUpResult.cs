namespace ServiceTokenOperator.Benchmarks;

/// <summary>
/// The warm-up before the burst: <see cref="Tokens"/> issued in their own namespace by the freshly started operator,
/// then deleted. Its reconciles are the process's first, so their own time is the cold cost the burst no longer pays.
/// </summary>
internal sealed record WarmUpResult(int Tokens, double? TimeToAllReadySeconds, double? ReconcileP50Ms, double? ReconcileP99Ms, double? ReconcileMaxMs,
    RuntimeActivity? Runtime);
