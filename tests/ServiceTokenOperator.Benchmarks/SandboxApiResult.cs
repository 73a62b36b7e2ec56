namespace ServiceTokenOperator.Benchmarks;

/// <summary>What the sandbox Kubernetes API served during the burst, harness included, and the harness's own create rate.</summary>
internal sealed record SandboxApiResult(long Requests, double Seconds, double RequestsPerSecond, double HarnessCreatesPerSecond, long TotalRequests);
