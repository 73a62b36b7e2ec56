namespace ServiceTokenOperator.Benchmarks;

/// <summary>The operator's resident memory before and after that many unlabelled Secrets appeared in the cluster.</summary>
internal sealed record UnrelatedSecretsResult(int Count, double? RssBeforeMb, double? RssAfterMb, double? ExtraRssMb, double? PeakRssAfterMb, long OperatorReads, long OperatorWrites);
