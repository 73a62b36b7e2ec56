using System.Text.Json.Nodes;
using ServiceTokenOperator.Sandbox.Kubernetes;

namespace ServiceTokenOperator.Tests.Sandbox.Kubernetes;

public sealed class SimpleJsonPathTests
{
    private static readonly JsonNode Doc = JsonNode.Parse("""
        {"spec":{"size":3,"name":"w"},"status":{"conditions":[{"type":"Synced","status":"False"},{"type":"Ready","status":"True","reason":"Issued"}]},"metadata":{"labels":{"a.b/c":"x"}}}
        """)!;

    [Theory]
    [InlineData(".spec.size", "3")]
    [InlineData(".spec.name", "w")]
    [InlineData("{.spec.name}", "w")]
    [InlineData(".status.conditions[?(@.type==\"Ready\")].status", "True")]
    [InlineData(".status.conditions[?(@.type=='Ready')].reason", "Issued")]
    [InlineData(".status.conditions[0].type", "Synced")]
    [InlineData(".status.conditions[-1].type", "Ready")]
    [InlineData(".metadata.labels['a.b/c']", "x")]
    [InlineData(".spec.missing", "")]
    public void Evaluate_PrinterColumnExpressions_FindFirstValue(string path, string expected)
    {
        var results = SimpleJsonPath.Evaluate(Doc, path);

        Assert.Equal(expected, results.Count == 0 ? string.Empty : SimpleJsonPath.Format(results[0]));
    }
}
