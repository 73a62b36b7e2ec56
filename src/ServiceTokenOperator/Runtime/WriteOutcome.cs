namespace ServiceTokenOperator.Runtime;

/// <summary>How an optimistic write ended.</summary>
internal enum WriteOutcome
{
    Written,

    /// <summary>409: the object changed since it was read; requeue and work from the fresh version.</summary>
    Conflict,

    /// <summary>404: the object is gone.</summary>
    NotFound,
}
