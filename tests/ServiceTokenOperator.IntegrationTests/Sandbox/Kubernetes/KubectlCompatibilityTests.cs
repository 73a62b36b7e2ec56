using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ServiceTokenOperator.IntegrationTests.Sandbox.Kubernetes;

/// <summary>Drives the real kubectl 1.32 binary against the sandbox API, as a person would.</summary>
public sealed class KubectlCompatibilityTests
{
    [Fact]
    public async Task ApplyCrdAndWidget_ClientSide_GetAllNamespacesPrintsCrdColumns()
    {
        await using var world = await KubeTestWorld.StartAsync();
        using var kubectl = new Kubectl(world.Server);
        var crd = kubectl.WriteFile("crd.yaml", TestCrds.WidgetCrdYaml);
        var widget = kubectl.WriteFile("w1.yaml", TestCrds.WidgetYaml);

        var crdOut = await kubectl.OkAsync("apply", "-f", crd);
        var created = await kubectl.OkAsync("apply", "-f", widget);
        kubectl.WriteFile("w1.yaml", TestCrds.WidgetYaml.Replace("size: 3", "size: 5", StringComparison.Ordinal));
        var configured = await kubectl.OkAsync("apply", "-f", widget);
        var table = await kubectl.OkAsync("get", "widgets", "-A");
        var byShortName = await kubectl.OkAsync("get", "wd");
        var bySingular = await kubectl.OkAsync("get", "widget", "w1", "-o", "jsonpath={.spec.size}/{.spec.mode}/{.metadata.generation}");

        Assert.Equal("customresourcedefinition.apiextensions.k8s.io/widgets.example.dev created\n", crdOut);
        Assert.Equal("widget.example.dev/w1 created\n", created);
        Assert.Equal("widget.example.dev/w1 configured\n", configured);
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAMESPACE", "NAME", "SIZE", "READY", "AGE"], Regex.Split(lines[0].Trim(), "\\s+"));
        Assert.Equal(["default", "w1", "5"], Regex.Split(lines[1].Trim(), "\\s+").Take(3));
        Assert.StartsWith("NAME", byShortName, StringComparison.Ordinal);
        Assert.Equal("5/slow/2", bySingular);
    }

    [Fact]
    public async Task ServerSideApply_CreatesAndUpdates()
    {
        await using var world = await KubeTestWorld.StartAsync();
        using var kubectl = new Kubectl(world.Server);
        await kubectl.OkAsync("apply", "--server-side", "-f", kubectl.WriteFile("crd.yaml", TestCrds.WidgetCrdYaml));
        var widget = kubectl.WriteFile("w1.yaml", TestCrds.WidgetYaml);

        var first = await kubectl.OkAsync("apply", "--server-side", "-f", widget);
        kubectl.WriteFile("w1.yaml", TestCrds.WidgetYaml.Replace("size: 3", "size: 7", StringComparison.Ordinal));
        var second = await kubectl.OkAsync("apply", "--server-side", "-f", widget);
        var json = JsonNode.Parse(await kubectl.OkAsync("get", "widget", "w1", "-o", "json"))!;

        Assert.Equal("widget.example.dev/w1 serverside-applied\n", first);
        Assert.Equal("widget.example.dev/w1 serverside-applied\n", second);
        Assert.Equal(7, json["spec"]!["size"]!.GetValue<int>());
        Assert.Equal("gold", json["metadata"]!["labels"]!["tier"]!.GetValue<string>());
    }

    [Fact]
    public async Task ApplyInvalidWidget_FailsWithApiserverMessage()
    {
        await using var world = await KubeTestWorld.StartAsync();
        using var kubectl = new Kubectl(world.Server);
        await kubectl.OkAsync("apply", "-f", kubectl.WriteFile("crd.yaml", TestCrds.WidgetCrdYaml));

        var result = await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("bad.yaml", TestCrds.WidgetYaml.Replace("every: 5m", "every: soon", StringComparison.Ordinal)));
        var unknown = await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("unknown.yaml", TestCrds.WidgetYaml.Replace("every: 5m", "bogus: 1", StringComparison.Ordinal)));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("spec.every: Invalid value: \"soon\": spec.every in body should match '^[0-9]+(h|m|s)$'", result.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("unknown field \"spec.bogus\"", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_ShowsCrdSchemaFields()
    {
        await using var world = await KubeTestWorld.StartAsync();
        using var kubectl = new Kubectl(world.Server);
        await kubectl.OkAsync("apply", "-f", kubectl.WriteFile("crd.yaml", TestCrds.WidgetCrdYaml));

        var explained = await kubectl.OkAsync("explain", "widget.spec");

        Assert.Contains("KIND:       Widget", explained, StringComparison.Ordinal);
        Assert.Contains("Spec is the desired widget.", explained, StringComparison.Ordinal);
        Assert.Contains("size\t<integer> -required-", explained, StringComparison.Ordinal);
        Assert.Contains("Size of the widget, 1 to 10.", explained, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnnotateLabelPatchWaitDelete_WorkOnCustomResource()
    {
        await using var world = await KubeTestWorld.StartAsync();
        using var kubectl = new Kubectl(world.Server);
        await kubectl.OkAsync("apply", "-f", kubectl.WriteFile("crd.yaml", TestCrds.WidgetCrdYaml));
        await kubectl.OkAsync("apply", "-f", kubectl.WriteFile("w1.yaml", TestCrds.WidgetYaml));

        var annotated = await kubectl.OkAsync("annotate", "widget", "w1", "note=hello");
        var labeled = await kubectl.OkAsync("label", "widget", "w1", "env=prod");
        var patched = await kubectl.OkAsync("patch", "widget", "w1", "--type", "merge", "-p", """{"spec":{"size":9}}""");
        await kubectl.OkAsync("patch", "widget", "w1", "--subresource=status", "--type", "merge", "-p", """{"status":{"conditions":[{"type":"Ready","status":"True"}]}}""");
        var waited = await kubectl.OkAsync("wait", "--for=condition=Ready", "widget/w1", "--timeout=10s");
        var selected = await kubectl.OkAsync("get", "widgets", "-l", "env=prod", "-o", "jsonpath={.items[*].metadata.annotations.note} {.items[*].spec.size}");
        var row = await kubectl.OkAsync("get", "widget", "w1", "--no-headers");
        var deleted = await kubectl.OkAsync("delete", "widget", "w1");
        var after = await kubectl.RunAsync("get", "widget", "w1");

        Assert.Equal("widget.example.dev/w1 annotated\n", annotated);
        Assert.Equal("widget.example.dev/w1 labeled\n", labeled);
        Assert.Equal("widget.example.dev/w1 patched\n", patched);
        Assert.Equal("widget.example.dev/w1 condition met\n", waited);
        Assert.Equal("hello 9", selected);
        Assert.Equal(["w1", "9", "True"], Regex.Split(row.Trim(), "\\s+").Take(3));
        Assert.Equal("widget.example.dev \"w1\" deleted\n", deleted);
        Assert.NotEqual(0, after.ExitCode);
        Assert.Contains("NotFound", after.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuiltIns_NamespacesAndSecrets_CreateGetYamlDelete()
    {
        await using var world = await KubeTestWorld.StartAsync();
        using var kubectl = new Kubectl(world.Server);

        var ns = await kubectl.OkAsync("create", "namespace", "team-a");
        var secret = await kubectl.OkAsync("create", "secret", "generic", "creds", "-n", "team-a", "--from-literal=user=alice");
        var namespaces = await kubectl.OkAsync("get", "namespaces");
        var data = await kubectl.OkAsync("get", "secret", "creds", "-n", "team-a", "-o", "jsonpath={.data.user} {.type}");
        var yaml = await kubectl.OkAsync("get", "secret", "creds", "-n", "team-a", "-o", "yaml");
        await kubectl.OkAsync("apply", "-f", kubectl.WriteFile("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: team-a\ndata:\n  a: '1'\n"));
        await kubectl.OkAsync("apply", "-f", kubectl.WriteFile("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: team-a\ndata:\n  a: '2'\n"));
        var cm = await kubectl.OkAsync("get", "configmap", "cm", "-n", "team-a", "-o", "jsonpath={.data.a}");
        var deleted = await kubectl.OkAsync("delete", "namespace", "team-a");
        var gone = await kubectl.OkAsync("get", "secrets", "-n", "team-a");

        Assert.Equal("namespace/team-a created\n", ns);
        Assert.Equal("secret/creds created\n", secret);
        Assert.Contains("kube-system", namespaces, StringComparison.Ordinal);
        Assert.Matches("team-a\\s+Active", namespaces);
        Assert.Equal("YWxpY2U= Opaque", data);
        Assert.Contains("kind: Secret", yaml, StringComparison.Ordinal);
        Assert.Equal("2", cm);
        Assert.Equal("namespace \"team-a\" deleted\n", deleted);
        Assert.Equal(string.Empty, gone);
    }

    [Fact]
    public async Task Deployment_ReapplyScaleAndRolloutRestart_Work()
    {
        await using var world = await KubeTestWorld.StartAsync();
        using var kubectl = new Kubectl(world.Server);
        const string deployment = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 1
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: app
                    image: nginx:1
                  - name: side
                    image: busybox:1
            """;
        var file = kubectl.WriteFile("web.yaml", deployment);
        await kubectl.OkAsync("apply", "-f", file);

        kubectl.WriteFile("web.yaml", deployment.Replace("nginx:1", "nginx:2", StringComparison.Ordinal));
        var configured = await kubectl.OkAsync("apply", "-f", file);
        var scaled = await kubectl.OkAsync("scale", "deployment", "web", "--replicas=3");
        var restarted = await kubectl.OkAsync("rollout", "restart", "deployment/web");
        var state = await kubectl.OkAsync("get", "deployment", "web", "-o",
            "jsonpath={.spec.template.spec.containers[*].image} {.spec.replicas} {.metadata.generation}");
        var restartedAt = await kubectl.OkAsync("get", "deployment", "web", "-o", "jsonpath={.spec.template.metadata.annotations}");

        Assert.Equal("deployment.apps/web configured\n", configured);
        Assert.Equal("deployment.apps/web scaled\n", scaled);
        Assert.Equal("deployment.apps/web restarted\n", restarted);
        Assert.Equal("nginx:2 busybox:1 3 4", state);
        Assert.Contains("kubectl.kubernetes.io/restartedAt", restartedAt, StringComparison.Ordinal);
    }
}
