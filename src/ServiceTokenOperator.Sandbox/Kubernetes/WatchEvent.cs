using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>One line of a watch stream.</summary>
internal sealed record WatchEvent(string Type, JsonObject Object);
