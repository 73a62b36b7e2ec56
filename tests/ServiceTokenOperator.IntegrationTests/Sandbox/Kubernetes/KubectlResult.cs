namespace ServiceTokenOperator.IntegrationTests.Sandbox.Kubernetes;

internal sealed record KubectlResult(int ExitCode, string Stdout, string Stderr);
