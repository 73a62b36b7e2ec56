namespace ServiceTokenOperator.Sandbox.Vendors;

/// <summary>What the fault plan decided for one request.</summary>
/// <param name="Delay">Latency to add before answering.</param>
/// <param name="ErrorStatus">Non-zero: answer with this HTTP status instead of handling the request.</param>
/// <param name="RetryAfter">Set with 429.</param>
public readonly record struct FaultOutcome(TimeSpan Delay, int ErrorStatus, TimeSpan? RetryAfter)
{
    public bool Fails => ErrorStatus != 0;
}
