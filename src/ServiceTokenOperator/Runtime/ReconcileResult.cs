namespace ServiceTokenOperator.Runtime;

/// <summary>
/// The result of one reconcile. Done forgets the key's failures; RequeueAfter forgets them and comes back after the
/// delay; Failed retries with per-key backoff, never sooner than RetryAfter. A failed key is never dropped.
/// </summary>
internal sealed record ReconcileResult
{
    private ReconcileResult(ReconcileOutcome outcome, TimeSpan? delay)
    {
        Outcome = outcome;
        Delay = delay;
    }

    public static ReconcileResult Done { get; } = new(ReconcileOutcome.Done, null);

    public ReconcileOutcome Outcome { get; }

    /// <summary>RequeueAfter: the delay. Failed: the vendor's Retry-After, if any.</summary>
    public TimeSpan? Delay { get; }

    /// <summary>Comes back after <paramref name="delay"/>; a zero or negative delay requeues at once.</summary>
    public static ReconcileResult RequeueAfter(TimeSpan delay) => new(ReconcileOutcome.RequeueAfter, delay);

    public static ReconcileResult Failed(TimeSpan? retryAfter = null) => new(ReconcileOutcome.Failed, retryAfter);

    public override string ToString() => Delay is { } d ? $"{Outcome}({d})" : Outcome.ToString();
}
