namespace ServiceTokenOperator.Runtime;

/// <summary>The outcome of a write and, when written, the object as the server returned it.</summary>
internal sealed record WriteResult<T>(WriteOutcome Outcome, T? Object)
{
    public bool Written => Outcome == WriteOutcome.Written;
}
