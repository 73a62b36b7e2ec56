namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>What an authorizer decides on, as in the apiserver's authorization attributes.</summary>
public sealed record KubeRequestAttributes(
    string Verb, string Group, string Resource, string? Subresource, string? Namespace, string? Name);
