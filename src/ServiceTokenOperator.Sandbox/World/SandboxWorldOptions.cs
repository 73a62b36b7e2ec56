namespace ServiceTokenOperator.Sandbox.World;

/// <summary>How to start a sandbox world.</summary>
public sealed record SandboxWorldOptions
{
    /// <summary>Where kubeconfig and sandbox.json are written. Default .sandbox.</summary>
    public string Dir { get; init; } = ".sandbox";

    /// <summary>CRD manifests to register before anything else.</summary>
    public IReadOnlyList<string> CrdYamls { get; init; } = [];

    /// <summary>The operator's namespace, where ClusterTokenIssuer credentials live.</summary>
    public string OperatorNamespace { get; init; } = "servicetoken-system";

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Latency added to every vendor request, in milliseconds.</summary>
    public int VendorLatencyMs { get; init; }
}
