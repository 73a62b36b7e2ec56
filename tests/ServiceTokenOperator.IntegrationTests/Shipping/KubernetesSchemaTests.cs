namespace ServiceTokenOperator.IntegrationTests.Shipping;

/// <summary>Every manifest the chart renders is valid against the Kubernetes schemas of kubernetes-models.</summary>
public sealed class KubernetesSchemaTests
{
    [Theory]
    [InlineData("")]
    [InlineData("metrics.serviceMonitor.enabled=true,networkPolicy.enabled=true,podAntiAffinity=hard,operator.clusterId=prod1")]
    [InlineData("rbac.namespaced=true,podAntiAffinity=soft,crds.install=false")]
    public async Task HelmTemplate_RenderedManifests_AreValidAgainstKubernetesSchemas(string sets)
    {
        var docs = HelmChart.Documents(await HelmChart.TemplateAsync(sets.Length == 0 ? [] : [sets]));
        var result = await KubernetesSchemaValidator.ValidateAsync(docs);
        Assert.True(result.ExitCode == 0, $"schema validation failed:\n{result.Stdout}\n{result.Stderr}");
        Assert.Equal(docs.Count, result.Stdout.Split('\n').Count(l => l.StartsWith("ok ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Validator_DeploymentWithStringReplicasAndUnknownKind_ReportsBoth()
    {
        var docs = HelmChart.Documents(await HelmChart.TemplateAsync());
        var deployment = HelmChart.Single(docs, "Deployment");
        deployment["spec"]!["replicas"] = "two";
        var unknown = HelmChart.Single(docs, "Service").DeepClone().AsObject();
        unknown["apiVersion"] = "example.com/v1";

        var result = await KubernetesSchemaValidator.ValidateAsync([deployment, unknown]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("invalid Deployment/servicetoken-operator: data/spec/replicas must be integer", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("unknown Service/servicetoken-operator-metrics", result.Stdout, StringComparison.Ordinal);
    }
}
