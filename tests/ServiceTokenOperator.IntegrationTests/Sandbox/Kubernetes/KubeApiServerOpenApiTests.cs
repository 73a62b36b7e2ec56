namespace ServiceTokenOperator.IntegrationTests.Sandbox.Kubernetes;

public sealed class KubeApiServerOpenApiTests
{
    [Fact]
    public async Task OpenApiV2_Json_CarriesCrdSchemaAndPatchContentTypes()
    {
        await using var world = await KubeTestWorld.StartAsync();
        await world.CreateWidgetCrdAsync();

        var (code, doc, _) = await world.SendAsync(HttpMethod.Get, "/openapi/v2", accept: "application/json");

        Assert.Equal(200, code);
        Assert.Equal("2.0", doc["swagger"]!.GetValue<string>());
        var widget = doc["definitions"]!["dev.example.v1.Widget"]!;
        Assert.Equal("Widget", widget["x-kubernetes-group-version-kind"]![0]!["kind"]!.GetValue<string>());
        Assert.Equal("integer", widget["properties"]!["spec"]!["properties"]!["size"]!["type"]!.GetValue<string>());
        var patch = doc["paths"]!["/apis/example.dev/v1/namespaces/{namespace}/widgets/{name}"]!["patch"]!;
        var consumes = patch["consumes"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.Contains("application/merge-patch+json", consumes);
        Assert.DoesNotContain("application/strategic-merge-patch+json", consumes);
        Assert.Contains(patch["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "fieldValidation");
    }

    [Fact]
    public async Task OpenApiV2_ProtobufOnly_Answers406NotAcceptable()
    {
        await using var world = await KubeTestWorld.StartAsync();

        var (code, status, _) = await world.SendAsync(HttpMethod.Get, "/openapi/v2", accept: "application/com.github.proto-openapi.spec.v2@v1.0+protobuf");

        Assert.Equal(406, code);
        Assert.Equal("NotAcceptable", status["reason"]!.GetValue<string>());
        Assert.Equal("Status", status["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenApiV3_BuiltIn_NamesItsKindWithFieldsForExplain()
    {
        await using var world = await KubeTestWorld.StartAsync();

        var (code, doc, _) = await world.SendAsync(HttpMethod.Get, "/openapi/v3/api/v1");

        Assert.Equal(200, code);
        var secret = doc["components"]!["schemas"]!["io.k8s.api.core.v1.Secret"]!;
        Assert.Equal("Secret", secret["x-kubernetes-group-version-kind"]![0]!["kind"]!.GetValue<string>());
        Assert.Equal("byte", secret["properties"]!["data"]!["additionalProperties"]!["format"]!.GetValue<string>());
    }
}
