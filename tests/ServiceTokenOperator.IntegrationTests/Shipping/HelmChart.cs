using System.Text.Json.Nodes;
using ServiceTokenOperator.Sandbox.World;

namespace ServiceTokenOperator.IntegrationTests.Shipping;

/// <summary>The chart as the real helm binary renders it.</summary>
internal static class HelmChart
{
    public const string Release = "servicetoken-operator";
    public const string Namespace = "servicetoken-system";

    /// <summary><c>helm template</c> with --set pairs; fails with helm's output unless it renders.</summary>
    public static Task<string> TemplateAsync(params string[] sets) =>
        ToolRunner.OkAsync(ShippingTools.Helm(), ["template", Release, RepoPaths.Chart, "--namespace", Namespace, .. sets.SelectMany(s => new[] { "--set", s })]);

    /// <summary>Runs helm with arguments as given.</summary>
    public static Task<ToolResult> RunAsync(params string[] args) => ToolRunner.RunAsync(ShippingTools.Helm(), args);

    public static List<JsonObject> Documents(string yaml) => ManifestApplier.ParseYaml(yaml).ToList();

    public static string Kind(JsonObject doc) => (string)doc["kind"]!;

    public static string Name(JsonObject doc) => (string)doc["metadata"]!["name"]!;

    public static JsonObject Single(IEnumerable<JsonObject> docs, string kind, string? name = null) =>
        Assert.Single(docs, d => Kind(d) == kind && (name is null || Name(d) == name));
}
