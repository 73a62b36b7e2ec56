namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>Settings of the sandbox Kubernetes API server.</summary>
public sealed record KubeApiOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 (the default) picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Clock for creationTimestamp, deletionTimestamp and table ages.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Events kept for watches that start from a resourceVersion; an older one answers 410 Gone.</summary>
    public int WatchCacheSize { get; init; } = 10000;
}
