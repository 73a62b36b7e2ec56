namespace ServiceTokenOperator.Runtime;

/// <summary>One finished reconcile, for metrics. <see cref="Exception"/> is set when the handler threw (it then counts as Failed).</summary>
internal sealed record ReconcileReport<TKey>(TKey Key, ReconcileResult Result, TimeSpan Duration, Exception? Exception);
