namespace ServiceTokenOperator.Benchmarks;

/// <summary>
/// After killing the operator with N Ready tokens and starting it again. <see cref="ResyncSeconds"/> runs from the
/// new process's start to every token reconciled once (<see cref="ResyncBasis"/> says how that was observed).
/// <see cref="Lists"/> are the new process's initial sync (one per informer); <see cref="Gets"/> are reads past it.
/// <see cref="RuntimeSinceStart"/> covers the new process from its start to the end of the observation.
/// </summary>
internal sealed record RestartResult(double? ResyncSeconds, string ResyncBasis, double? ReadyzSeconds, long VendorCalls, long Writes, long Gets, long Lists,
    double ObservedSeconds, double? ReconcileP50Ms, double? ReconcileP99Ms, IReadOnlyDictionary<string, long> ApiRequestsByVerbAndResource,
    RuntimeActivity? RuntimeSinceStart);
