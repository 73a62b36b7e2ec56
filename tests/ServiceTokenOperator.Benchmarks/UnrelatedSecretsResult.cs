namespace ServiceTokenOperator.Benchmarks;

/// <summary>
/// The operator's resident memory before and after that many unlabelled Secrets appeared in the cluster:
/// <see cref="ExtraRssMb"/> once it has gone quiet again (what holding them costs), <see cref="ExtraRssRightAfterMb"/>
/// 5 s after the last create (the heap still holding their watch events).
/// </summary>
internal sealed record UnrelatedSecretsResult(
    int Count, double? RssBeforeMb, double? RssAfterMb, double? ExtraRssMb, double? ExtraRssRightAfterMb, double? PeakRssAfterMb, long OperatorReads, long OperatorWrites);
