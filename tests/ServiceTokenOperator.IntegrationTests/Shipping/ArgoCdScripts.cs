using System.Text.Json.Nodes;

namespace ServiceTokenOperator.IntegrationTests.Shipping;

/// <summary>Runs the Argo CD resource customizations in deploy/argocd under real Lua 5.1 with lua-cjson.</summary>
internal static class ArgoCdScripts
{
    public static string Customization(string kind, params string[] path) =>
        RepoPaths.Of(["deploy", "argocd", "resource_customizations", "servicetoken.dev", kind, .. path]);

    public static string Fixture(string name) => RepoPaths.Of("tests", "ServiceTokenOperator.IntegrationTests", "Shipping", "Fixtures", "argocd", name);

    /// <summary>Runs <paramref name="script"/> with the object in <paramref name="objectFile"/> as <c>obj</c>; returns what it returned.</summary>
    public static async Task<JsonObject> RunAsync(string script, string objectFile)
    {
        var output = await ToolRunner.OkAsync(ShippingTools.Lua(), [RepoPaths.Of("tests", "ServiceTokenOperator.IntegrationTests", "Shipping", "argocd-harness.lua"), script, objectFile]);
        return JsonNode.Parse(output)!.AsObject();
    }

    /// <summary>Writes an object to a temporary JSON file for <see cref="RunAsync"/>.</summary>
    public static string WriteTemp(JsonObject obj)
    {
        var path = Path.Combine(Path.GetTempPath(), $"st-argocd-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, obj.ToJsonString());
        return path;
    }
}
