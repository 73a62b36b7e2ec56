using System.Globalization;
using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>
/// Reads numbers from any JsonNode, whether parsed (JsonElement-backed) or built in code (int, long, double):
/// GetValue&lt;T&gt; only converts the former.
/// </summary>
internal static class JsonNumbers
{
    public static double ToDouble(JsonNode node) => double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    public static long ToInt64(JsonNode node) => (long)ToDouble(node);
}
