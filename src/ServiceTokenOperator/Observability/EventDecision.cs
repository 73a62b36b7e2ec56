namespace ServiceTokenOperator.Observability;

/// <summary>What to do with one event: create it, patch the count of an existing one, or drop it as spam.</summary>
/// <param name="Key">The key to remember the written Event under: the event's own, or its similar-events aggregate.</param>
/// <param name="Message">The message to write: the event's own, or marked as combined from similar events.</param>
/// <param name="Namespace">Namespace of the existing Event to patch.</param>
/// <param name="Name">Name of the existing Event to patch.</param>
/// <param name="Count">The count after this occurrence.</param>
internal sealed record EventDecision(EventAction Action, EventKey Key, string Message, string? Namespace, string? Name, int Count);
