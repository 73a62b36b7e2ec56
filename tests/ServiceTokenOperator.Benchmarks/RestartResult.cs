namespace ServiceTokenOperator.Benchmarks;

/// <summary>
/// After killing the operator with N Ready tokens and starting it again. <see cref="ResyncSeconds"/> runs from the
/// new process's start to every token reconciled once (<see cref="ResyncBasis"/> says how that was observed).
/// </summary>
internal sealed record RestartResult(double? ResyncSeconds, string ResyncBasis, double? ReadyzSeconds, long VendorCalls, long Writes, long Reads, double ObservedSeconds);
