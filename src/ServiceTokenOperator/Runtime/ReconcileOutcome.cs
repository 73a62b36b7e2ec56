namespace ServiceTokenOperator.Runtime;

/// <summary>What a reconcile asks of the work queue next.</summary>
internal enum ReconcileOutcome
{
    /// <summary>Nothing more to do: forget the key's failures.</summary>
    Done,

    /// <summary>Come back after a delay: forget failures, then AddAfter.</summary>
    RequeueAfter,

    /// <summary>Retry with per-key exponential backoff (at least RetryAfter when given).</summary>
    Failed,
}
