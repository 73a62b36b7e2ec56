namespace ServiceTokenOperator.Controllers;

/// <summary>A status write lost an optimistic-concurrency race; the reconcile is retried on the newer object.</summary>
internal sealed class StatusConflictException() : Exception("the object changed since it was read");
