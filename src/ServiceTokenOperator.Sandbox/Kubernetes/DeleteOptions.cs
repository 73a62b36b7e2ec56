namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>A DeleteOptions body merged with its query parameters.</summary>
internal sealed record DeleteOptions(string? PropagationPolicy, string? PreconditionUid, string? PreconditionResourceVersion, bool DryRun);
