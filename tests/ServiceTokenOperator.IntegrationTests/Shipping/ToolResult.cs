namespace ServiceTokenOperator.IntegrationTests.Shipping;

/// <summary>What an external tool printed and how it exited.</summary>
internal sealed record ToolResult(int ExitCode, string Stdout, string Stderr);
