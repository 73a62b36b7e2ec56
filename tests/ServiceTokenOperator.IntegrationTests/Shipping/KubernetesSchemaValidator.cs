using System.Text.Json.Nodes;

namespace ServiceTokenOperator.IntegrationTests.Shipping;

/// <summary>
/// Validates manifests against the Kubernetes schemas of the npm package kubernetes-models (generated from the
/// Kubernetes OpenAPI spec) through validate-manifests.mjs under node.
/// </summary>
internal static class KubernetesSchemaValidator
{
    public static Task<ToolResult> ValidateAsync(IEnumerable<JsonObject> documents) =>
        ToolRunner.RunAsync(
            ShippingTools.Node(),
            [RepoPaths.Of("tests", "ServiceTokenOperator.IntegrationTests", "Shipping", "validate-manifests.mjs"), ShippingTools.KubernetesModels()],
            new JsonArray([.. documents.Select(d => d.DeepClone())]).ToJsonString());
}
