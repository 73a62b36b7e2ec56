using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>One page of a list: its items, the list's resourceVersion, and the continue token of the next page.</summary>
internal sealed record ListResult(IReadOnlyList<JsonObject> Items, string ResourceVersion, string? Continue, long? RemainingItemCount);
