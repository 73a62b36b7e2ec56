namespace ServiceTokenOperator.Runtime;

/// <summary>One page of a list: the items, the list's resourceVersion and the continue token of the next page.</summary>
internal sealed record ResourcePage<T>(IReadOnlyList<T> Items, string ResourceVersion, string? Continue);
