namespace ServiceTokenOperator.Observability;

/// <summary>What to do with one event: create it, patch the count of an existing one, or drop it as spam.</summary>
/// <param name="Namespace">Namespace of the existing Event to patch.</param>
/// <param name="Name">Name of the existing Event to patch.</param>
/// <param name="Count">The count after this occurrence.</param>
internal sealed record EventDecision(EventAction Action, string? Namespace, string? Name, int Count);
