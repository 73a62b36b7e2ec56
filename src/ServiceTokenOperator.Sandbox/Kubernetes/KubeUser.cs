namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>An authenticated caller.</summary>
public sealed record KubeUser(string Name, IReadOnlyList<string> Groups);
