using System.Text.Json.Nodes;
using ServiceTokenOperator.Hosting;

namespace ServiceTokenOperator.IntegrationTests.Shipping;

/// <summary>charts/servicetoken-operator checked with the real helm binary: lint, rendering, CRDs and RBAC kept in sync.</summary>
public sealed class ChartTests
{
    private static readonly string[] EveryOption =
    [
        "metrics.serviceMonitor.enabled=true", "networkPolicy.enabled=true", "podAntiAffinity=hard", "operator.clusterId=prod1",
        "rbac.namespaced=true", "rbac.watchNamespaces={payments,ci}",
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HelmLint_Strict_PassesWithDefaultsAndWithEveryOption(bool everyOption)
    {
        var result = await HelmChart.RunAsync(["lint", "--strict", RepoPaths.Chart, .. everyOption ? EveryOption.SelectMany(s => new[] { "--set", s }) : []]);
        Assert.True(result.ExitCode == 0, $"helm lint --strict failed:\n{result.Stdout}\n{result.Stderr}");
        Assert.Contains("0 chart(s) failed", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ChartCrdFiles_ComparedWithConfigCrd_AreByteEqual()
    {
        var config = Directory.GetFiles(RepoPaths.Of("config", "crd"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var chart = Directory.GetFiles(Path.Combine(RepoPaths.Chart, "files", "crds"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(config, chart);
        foreach (var file in config)
        {
            Assert.True(
                File.ReadAllText(RepoPaths.Of("config", "crd", file!)) == File.ReadAllText(Path.Combine(RepoPaths.Chart, "files", "crds", file!)),
                $"charts/servicetoken-operator/files/crds/{file} differs from config/crd/{file}: copy config/crd/*.yaml into the chart");
        }
    }

    [Fact]
    public async Task HelmTemplate_Crds_EqualConfigCrdApartFromReleaseLabelsAndKeepAnnotation()
    {
        var rendered = HelmChart.Documents(await HelmChart.TemplateAsync()).Where(d => HelmChart.Kind(d) == "CustomResourceDefinition").ToList();
        var expected = Directory.GetFiles(RepoPaths.Of("config", "crd"), "*.yaml").Select(f => HelmChart.Documents(File.ReadAllText(f)).Single()).ToList();
        Assert.Equal(expected.Count, rendered.Count);
        foreach (var crd in rendered)
        {
            var metadata = crd["metadata"]!.AsObject();
            Assert.Equal("keep", (string?)metadata["annotations"]?["helm.sh/resource-policy"]);
            Assert.Equal(HelmChart.Release, (string?)metadata["labels"]?["app.kubernetes.io/instance"]);
            metadata.Remove("labels");
            metadata.Remove("annotations");
            var source = Assert.Single(expected, e => HelmChart.Name(e) == HelmChart.Name(crd));
            Assert.True(JsonNode.DeepEquals(source, crd), $"rendered CRD {HelmChart.Name(crd)} differs from config/crd:\n{crd.ToJsonString()}");
        }
    }

    [Fact]
    public async Task HelmTemplate_CrdsInstallFalse_RendersNoCrd()
    {
        var docs = HelmChart.Documents(await HelmChart.TemplateAsync("crds.install=false"));
        Assert.DoesNotContain(docs, d => HelmChart.Kind(d) == "CustomResourceDefinition");
        Assert.Contains(docs, d => HelmChart.Kind(d) == "Deployment");
    }

    [Fact]
    public async Task ConfigRbac_ComparedWithHelmTemplate_IsEqual()
    {
        var rendered = await ToolRunner.OkAsync(ShippingTools.Helm(),
            ["template", HelmChart.Release, RepoPaths.Chart, "--namespace", HelmChart.Namespace, "--show-only", "templates/serviceaccount.yaml", "--show-only", "templates/rbac.yaml"]);
        var committed = File.ReadAllText(RepoPaths.Of("config", "rbac", "rbac.yaml"));
        var body = committed[committed.IndexOf("---", StringComparison.Ordinal)..];
        Assert.True(body == rendered[rendered.IndexOf("---", StringComparison.Ordinal)..],
            "config/rbac/rbac.yaml is stale: regenerate it with the command in its header (see DEVELOPERS.md)");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HelmTemplate_RbacRules_NameEveryVerbAndResourceWithoutWildcards(bool namespaced)
    {
        var docs = HelmChart.Documents(await HelmChart.TemplateAsync(namespaced ? ["rbac.namespaced=true", "rbac.watchNamespaces={payments}"] : []));
        var rules = docs.Where(d => HelmChart.Kind(d) is "ClusterRole" or "Role").SelectMany(d => d["rules"]!.AsArray()).ToList();
        Assert.NotEmpty(rules);
        foreach (var rule in rules)
        {
            foreach (var field in new[] { "apiGroups", "resources", "verbs" })
            {
                Assert.DoesNotContain("*", rule![field]!.AsArray().Select(v => (string)v!));
            }
        }

        var verbs = rules.SelectMany(r => r!["verbs"]!.AsArray().Select(v => (string)v!)).ToHashSet();
        Assert.DoesNotContain("deletecollection", verbs);
        Assert.DoesNotContain("escalate", verbs);
        Assert.DoesNotContain("impersonate", verbs);
    }

    [Fact]
    public async Task HelmTemplate_Namespaced_ClusterRoleKeepsOnlyClusterScopedRulesAndEachNamespaceGetsARole()
    {
        var docs = HelmChart.Documents(await HelmChart.TemplateAsync("rbac.namespaced=true", "rbac.watchNamespaces={payments,ci}"));
        var clusterResources = HelmChart.Single(docs, "ClusterRole")["rules"]!.AsArray()
            .SelectMany(r => r!["resources"]!.AsArray().Select(v => (string)v!)).ToHashSet();
        Assert.Equal(["clustertokenissuers", "clustertokenissuers/status", "namespaces"], clusterResources.Order(StringComparer.Ordinal));
        var roleNamespaces = docs.Where(d => HelmChart.Kind(d) == "Role" && HelmChart.Name(d) == HelmChart.Release)
            .Select(d => (string)d["metadata"]!["namespace"]!).Order(StringComparer.Ordinal);
        Assert.Equal(["ci", "payments", HelmChart.Namespace], roleNamespaces);
        Assert.Equal(3, docs.Count(d => HelmChart.Kind(d) == "RoleBinding" && HelmChart.Name(d) == HelmChart.Release));
    }

    [Fact]
    public async Task HelmTemplate_DeploymentArgs_AreAcceptedByTheRunVerb()
    {
        var docs = HelmChart.Documents(await HelmChart.TemplateAsync("operator.clusterId=prod1", "operator.workers=6", "operator.minRotationPeriod=30m"));
        var container = HelmChart.Single(docs, "Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!;
        var args = container["args"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Equal("run", args[0]);

        var (options, error) = OperatorOptions.Parse(args[1..], name => name == "POD_NAMESPACE" ? HelmChart.Namespace : null);
        Assert.True(options is not null, $"the run verb rejects the chart's args: {error}");
        Assert.True(options.LeaderElect);
        Assert.Equal(8080, options.MetricsPort);
        Assert.Equal("prod1", options.ClusterId);
        Assert.Equal(6, options.Workers);
        Assert.Equal(TimeSpan.FromMinutes(30), options.MinRotationPeriod);
        Assert.Equal(HelmChart.Namespace, options.Namespace);

        var env = container["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => e!["valueFrom"]?["fieldRef"]?["fieldPath"]?.GetValue<string>());
        Assert.Equal("metadata.name", env["POD_NAME"]);
        Assert.Equal("metadata.namespace", env["POD_NAMESPACE"]);
        Assert.Equal("/healthz", (string?)container["livenessProbe"]!["httpGet"]!["path"]);
        Assert.Equal("/readyz", (string?)container["readinessProbe"]!["httpGet"]!["path"]);
        Assert.Equal(8080, (int)container["ports"]![0]!["containerPort"]!);
    }

    [Fact]
    public async Task HelmTemplate_Defaults_TwoReplicasWithPdbAndRestrictedPodSecurity()
    {
        var docs = HelmChart.Documents(await HelmChart.TemplateAsync());
        var deployment = HelmChart.Single(docs, "Deployment");
        Assert.Equal(2, (int)deployment["spec"]!["replicas"]!);
        Assert.Equal(1, (int)HelmChart.Single(docs, "PodDisruptionBudget")["spec"]!["minAvailable"]!);
        var pod = deployment["spec"]!["template"]!["spec"]!;
        Assert.True((bool)pod["securityContext"]!["runAsNonRoot"]!);
        Assert.Equal("RuntimeDefault", (string?)pod["securityContext"]!["seccompProfile"]!["type"]);
        var security = pod["containers"]![0]!["securityContext"]!;
        Assert.False((bool)security["allowPrivilegeEscalation"]!);
        Assert.True((bool)security["readOnlyRootFilesystem"]!);
        Assert.Equal(["ALL"], security["capabilities"]!["drop"]!.AsArray().Select(c => (string)c!));
        var resources = pod["containers"]![0]!["resources"]!;
        Assert.NotNull(resources["requests"]!["memory"]);
        Assert.NotNull(resources["limits"]!["memory"]);
        Assert.DoesNotContain(docs, d => HelmChart.Kind(d) is "ServiceMonitor" or "NetworkPolicy");
        Assert.Equal("metrics", (string?)HelmChart.Single(docs, "Service")["spec"]!["ports"]![0]!["targetPort"]);
    }

    [Fact]
    public async Task HelmTemplate_OptionalObjects_RenderWhenEnabled()
    {
        var docs = HelmChart.Documents(await HelmChart.TemplateAsync("metrics.serviceMonitor.enabled=true", "networkPolicy.enabled=true", "podAntiAffinity=hard", "podDisruptionBudget.enabled=false"));
        Assert.Equal("metrics", (string?)HelmChart.Single(docs, "ServiceMonitor")["spec"]!["endpoints"]![0]!["port"]);
        Assert.Equal("metrics", (string?)HelmChart.Single(docs, "NetworkPolicy")["spec"]!["ingress"]![0]!["ports"]![0]!["port"]);
        Assert.NotNull(HelmChart.Single(docs, "Deployment")["spec"]!["template"]!["spec"]!["affinity"]!["podAntiAffinity"]!["requiredDuringSchedulingIgnoredDuringExecution"]);
        Assert.DoesNotContain(docs, d => HelmChart.Kind(d) == "PodDisruptionBudget");
    }

    [Theory]
    [InlineData("operator.workers=0", "operator.workers")]
    [InlineData("podAntiAffinity=sometimes", "podAntiAffinity")]
    [InlineData("operator.clusterId=Prod_1", "operator.clusterId")]
    [InlineData("operator.minRotationPeriod=soon", "operator.minRotationPeriod")]
    [InlineData("unknownKey=1", "unknownKey")]
    public async Task HelmTemplate_InvalidValue_RejectedByValuesSchema(string set, string field)
    {
        var result = await HelmChart.RunAsync("template", HelmChart.Release, RepoPaths.Chart, "--set", set);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(field, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ChartReadme_ValuesTable_NamesEveryValue()
    {
        var values = HelmChart.Documents(File.ReadAllText(Path.Combine(RepoPaths.Chart, "values.yaml"))).Single();
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Chart, "README.md"));
        var missing = Keys(values, "").Where(k => !readme.Contains($"| `{k}` |", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "charts/servicetoken-operator/README.md lacks values: " + string.Join(", ", missing));
    }

    /// <summary>Leaf keys; an object documented as a whole (security contexts, resources.*) counts as a leaf.</summary>
    private static IEnumerable<string> Keys(JsonObject node, string prefix)
    {
        foreach (var (key, value) in node)
        {
            var path = prefix + key;
            if (value is JsonObject { Count: > 0 } child && path is not ("podSecurityContext" or "securityContext" or "resources.requests" or "resources.limits"))
            {
                foreach (var nested in Keys(child, path + ".")) yield return nested;
            }
            else
            {
                yield return path;
            }
        }
    }
}
