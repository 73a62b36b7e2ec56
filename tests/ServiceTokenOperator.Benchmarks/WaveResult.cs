namespace ServiceTokenOperator.Benchmarks;

/// <summary>
/// Every token asked to rotate at once (the rotate annotation on all of them). Writes per rotation are object writes;
/// Events are counted apart. The revocation of the replaced token comes later (after the grace period) and is not
/// in the window.
/// </summary>
internal sealed record WaveResult(int Tokens, double? Seconds, double? IdealSeconds, double ApiWritesPerRotation, double ApiEventWritesPerRotation,
    double ApiReadsPerRotation, double VendorCallsPerRotation, long VendorCallsNotCreatingOrRevoking, IReadOnlyDictionary<string, long> ApiRequestsByVerbAndResource);
