namespace ServiceTokenOperator.Benchmarks;

/// <summary>Every token asked to rotate at once (the rotate annotation on all of them).</summary>
internal sealed record WaveResult(int Tokens, double? Seconds, double? IdealSeconds, double ApiWritesPerRotation, double ApiReadsPerRotation, double VendorCallsPerRotation, long VendorCallsNotCreatingOrRevoking);
