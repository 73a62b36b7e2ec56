using System.Text.Json.Nodes;

namespace ServiceTokenOperator.IntegrationTests.Sandbox.Kubernetes;

/// <summary>kubectl 1.32 against the sandbox: server-side apply conflicts, strategic patches, cascades, wait, explain.</summary>
public sealed class KubectlFidelityTests
{
    private const string Deployment = """
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

    [Fact]
    public async Task ServerSideApply_SecondManagerChangesField_ConflictUntilForced()
    {
        await using var world = await KubeTestWorld.StartAsync();
        using var kubectl = new Kubectl(world.Server);
        await kubectl.OkAsync("apply", "--server-side", "-f", kubectl.WriteFile("crd.yaml", TestCrds.WidgetCrdYaml));
        var widget = kubectl.WriteFile("w1.yaml", TestCrds.WidgetYaml);
        await kubectl.OkAsync("apply", "--server-side", "--field-manager=alice", "-f", widget);
        kubectl.WriteFile("w1.yaml", TestCrds.WidgetYaml.Replace("size: 3", "size: 5", StringComparison.Ordinal));

        var conflict = await kubectl.RunAsync("apply", "--server-side", "--field-manager=bob", "-f", widget);
        var forced = await kubectl.OkAsync("apply", "--server-side", "--field-manager=bob", "--force-conflicts", "-f", widget);
        var json = JsonNode.Parse(await kubectl.OkAsync("get", "widget", "w1", "-o", "json", "--show-managed-fields"))!;

        Assert.NotEqual(0, conflict.ExitCode);
        Assert.Contains("Apply failed with 1 conflict: conflict with \"alice\": .spec.size", conflict.Stderr, StringComparison.Ordinal);
        Assert.Contains("--force-conflicts", conflict.Stderr, StringComparison.Ordinal);
        Assert.Equal("widget.example.dev/w1 serverside-applied\n", forced);
        Assert.Equal(5, json["spec"]!["size"]!.GetValue<int>());
        var entries = json["metadata"]!["managedFields"]!.AsArray();
        var bob = entries.Single(e => e!["manager"]!.GetValue<string>() == "bob")!;
        var alice = entries.Single(e => e!["manager"]!.GetValue<string>() == "alice")!;
        Assert.NotNull(bob["fieldsV1"]!["f:spec"]!["f:size"]);
        Assert.Null(alice["fieldsV1"]!["f:spec"]!["f:size"]);
        Assert.NotNull(alice["fieldsV1"]!["f:spec"]!["f:every"]);
    }

    [Fact]
    public async Task ServerSideApply_FieldRemovedFromManifest_RemovedFromObject()
    {
        await using var world = await KubeTestWorld.StartAsync();
        using var kubectl = new Kubectl(world.Server);
        await kubectl.OkAsync("apply", "--server-side", "-f", kubectl.WriteFile("crd.yaml", TestCrds.WidgetCrdYaml));
        var widget = kubectl.WriteFile("w1.yaml", TestCrds.WidgetYaml);
        await kubectl.OkAsync("apply", "--server-side", "-f", widget);
        kubectl.WriteFile("w1.yaml", TestCrds.WidgetYaml.Replace("\n  every: 5m", string.Empty, StringComparison.Ordinal));

        await kubectl.OkAsync("apply", "--server-side", "-f", widget);
        var spec = await kubectl.OkAsync("get", "widget", "w1", "-o", "jsonpath={.spec}");

        Assert.DoesNotContain("every", spec, StringComparison.Ordinal);
        Assert.Contains("\"size\":3", spec, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyClientSideThenServerSide_KubectlMigratesOwnershipWithoutConflict()
    {
        await using var world = await KubeTestWorld.StartAsync();
        using var kubectl = new Kubectl(world.Server);
        await kubectl.OkAsync("apply", "-f", kubectl.WriteFile("crd.yaml", TestCrds.WidgetCrdYaml));
        var widget = kubectl.WriteFile("w1.yaml", TestCrds.WidgetYaml);
        await kubectl.OkAsync("apply", "-f", widget);
        kubectl.WriteFile("w1.yaml", TestCrds.WidgetYaml.Replace("size: 3", "size: 4", StringComparison.Ordinal));

        var upgraded = await kubectl.OkAsync("apply", "--server-side", "-f", widget);
        var json = JsonNode.Parse(await kubectl.OkAsync("get", "widget", "w1", "-o", "json", "--show-managed-fields"))!;

        Assert.Equal("widget.example.dev/w1 serverside-applied\n", upgraded);
        Assert.Equal(4, json["spec"]!["size"]!.GetValue<int>());
        var owners = json["metadata"]!["managedFields"]!.AsArray()
            .Where(e => e!["fieldsV1"]?["f:spec"]?["f:size"] is not null)
            .Select(e => $"{e!["manager"]}/{e["operation"]}");
        Assert.Equal(["kubectl/Apply"], owners);
    }

    [Fact]
    public async Task PatchStrategic_Deployment_MergesContainersByName()
    {
        await using var world = await KubeTestWorld.StartAsync();
        using var kubectl = new Kubectl(world.Server);
        await kubectl.OkAsync("apply", "-f", kubectl.WriteFile("web.yaml", Deployment));

        var patched = await kubectl.OkAsync("patch", "deployment", "web", "--type", "strategic", "-p",
            """{"spec":{"template":{"spec":{"containers":[{"name":"side","image":"busybox:2"}]}}}}""");
        var removed = await kubectl.OkAsync("patch", "deployment", "web", "--type", "strategic", "-p",
            """{"spec":{"template":{"spec":{"containers":[{"name":"app","$patch":"delete"}]}}}}""");
        var images = await kubectl.OkAsync("get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[*].image}");

        Assert.Equal("deployment.apps/web patched\n", patched);
        Assert.Equal("deployment.apps/web patched\n", removed);
        Assert.Equal("busybox:2", images);
    }

    [Fact]
    public async Task DeleteCascade_OrphanKeepsDependentsForegroundRemovesThem()
    {
        await using var world = await KubeTestWorld.StartAsync();
        using var kubectl = new Kubectl(world.Server);
        await kubectl.OkAsync("create", "configmap", "owner-a");
        await kubectl.OkAsync("create", "configmap", "owner-b");
        await CreateDependentAsync(kubectl, "dep-a", "owner-a");
        await CreateDependentAsync(kubectl, "dep-b", "owner-b");

        var orphaned = await kubectl.OkAsync("delete", "configmap", "owner-a", "--cascade=orphan");
        var foreground = await kubectl.OkAsync("delete", "configmap", "owner-b", "--cascade=foreground");
        var kept = await kubectl.OkAsync("get", "configmap", "dep-a", "-o", "jsonpath={.metadata.name}/{.metadata.ownerReferences}");
        var gone = await kubectl.RunAsync("get", "configmap", "dep-b");

        Assert.Equal("configmap \"owner-a\" deleted\n", orphaned);
        Assert.Equal("configmap \"owner-b\" deleted\n", foreground);
        Assert.Equal("dep-a/", kept);
        Assert.NotEqual(0, gone.ExitCode);
        Assert.Contains("NotFound", gone.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForDelete_FinalizerRemoved_ConditionMet()
    {
        await using var world = await KubeTestWorld.StartAsync();
        using var kubectl = new Kubectl(world.Server);
        await kubectl.OkAsync("apply", "-f", kubectl.WriteFile("held.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  finalizers: [example.dev/hold]\n"));
        await kubectl.OkAsync("delete", "configmap", "held", "--wait=false");

        var waiting = kubectl.RunAsync("wait", "--for=delete", "configmap/held", "--timeout=30s");
        var marked = await kubectl.OkAsync("get", "configmap", "held", "-o", "jsonpath={.metadata.deletionTimestamp}");
        await kubectl.OkAsync("patch", "configmap", "held", "--type", "json", "-p", """[{"op":"remove","path":"/metadata/finalizers"}]""");
        var waited = await waiting;

        Assert.NotEqual(string.Empty, marked);
        Assert.True(waited.ExitCode == 0, waited.Stderr);
        Assert.Equal("configmap/held condition met\n", waited.Stdout);
    }

    [Fact]
    public async Task LabelAndAnnotate_OverwriteAndRemove_AsOnACluster()
    {
        await using var world = await KubeTestWorld.StartAsync();
        using var kubectl = new Kubectl(world.Server);
        await kubectl.OkAsync("create", "configmap", "c", "--from-literal=a=1");
        await kubectl.OkAsync("label", "configmap", "c", "env=dev", "team=x");
        await kubectl.OkAsync("annotate", "configmap", "c", "note=first");

        var refused = await kubectl.RunAsync("label", "configmap", "c", "env=prod");
        await kubectl.OkAsync("label", "configmap", "c", "env=prod", "--overwrite");
        await kubectl.OkAsync("label", "configmap", "c", "team-");
        await kubectl.OkAsync("annotate", "configmap", "c", "note=second", "--overwrite");
        var state = await kubectl.OkAsync("get", "configmap", "c", "-o", "jsonpath={.metadata.labels} {.metadata.annotations.note}");
        var selected = await kubectl.OkAsync("get", "configmaps", "-l", "env in (prod,staging),!team", "-o", "name");

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("already has a value (dev)", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal("{\"env\":\"prod\"} second", state);
        Assert.Equal("configmap/c\n", selected);
    }

    [Fact]
    public async Task Explain_BuiltInKinds_ShowTheirFields()
    {
        await using var world = await KubeTestWorld.StartAsync();
        using var kubectl = new Kubectl(world.Server);

        var secret = await kubectl.OkAsync("explain", "secret");
        var data = await kubectl.OkAsync("explain", "configmap.data");
        var spec = await kubectl.OkAsync("explain", "deployments.spec");

        Assert.Contains("KIND:       Secret", secret, StringComparison.Ordinal);
        Assert.Contains("stringData\t<map[string]string>", secret, StringComparison.Ordinal);
        Assert.Contains("immutable\t<boolean>", secret, StringComparison.Ordinal);
        Assert.Contains("FIELD: data <map[string]string>", data, StringComparison.Ordinal);
        Assert.Contains("GROUP:      apps", spec, StringComparison.Ordinal);
        Assert.Contains("FIELD: spec <Object>", spec, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyClientSide_ChangedBuiltIn_PatchesWithoutOpenApiV2Protobuf()
    {
        await using var world = await KubeTestWorld.StartAsync();
        using var kubectl = new Kubectl(world.Server);
        var file = kubectl.WriteFile("web.yaml", Deployment);
        await kubectl.OkAsync("apply", "-f", file);
        kubectl.WriteFile("web.yaml", Deployment.Replace("busybox:1", "busybox:3", StringComparison.Ordinal).Replace("replicas: 1", "replicas: 2", StringComparison.Ordinal));

        var result = await kubectl.RunAsync("apply", "-f", file, "-v=6");
        var images = await kubectl.OkAsync("get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[*].image} {.spec.replicas}");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("deployment.apps/web configured\n", result.Stdout);
        Assert.Contains("/openapi/v2?timeout=32s 406 Not Acceptable", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("error calculating patch", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("nginx:1 busybox:3 2", images);
    }

    [Fact]
    public async Task GetWatch_OutputWatchEvents_ShowsAddedModifiedDeleted()
    {
        await using var world = await KubeTestWorld.StartAsync();
        using var kubectl = new Kubectl(world.Server);

        var watching = kubectl.RunAsync("get", "configmaps", "--watch-only", "--output-watch-events", "--request-timeout=15s");
        await Eventually.TrueAsync(() => Task.FromResult(world.Server.Stats.ByVerbAndResource().GetValueOrDefault("watch configmaps") > 0), "kubectl watching configmaps", seconds: 15);
        await kubectl.OkAsync("create", "configmap", "seen", "--from-literal=a=1");
        await kubectl.OkAsync("label", "configmap", "seen", "x=y");
        await kubectl.OkAsync("delete", "configmap", "seen");
        var watched = await watching;

        var rows = watched.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(["EVENT", "NAME", "DATA", "AGE"], rows[0]);
        Assert.Equal(["ADDED seen 1", "MODIFIED seen 1", "DELETED seen 1"], rows.Skip(1).Select(r => string.Join(' ', r.Take(3))));
    }

    [Fact]
    public async Task Get_OutputFormats_WideCustomColumnsNameAndSort()
    {
        await using var world = await KubeTestWorld.StartAsync();
        using var kubectl = new Kubectl(world.Server);
        await kubectl.OkAsync("create", "configmap", "b", "--from-literal=v=2");
        await kubectl.OkAsync("create", "configmap", "a", "--from-literal=v=1", "--from-literal=w=3");

        var names = await kubectl.OkAsync("get", "configmaps", "-o", "name");
        var columns = await kubectl.OkAsync("get", "configmaps", "-o", "custom-columns=NAME:.metadata.name,V:.data.v", "--sort-by=.data.v");
        var wide = await kubectl.OkAsync("get", "configmap", "a", "-o", "wide");

        Assert.Equal("configmap/a\nconfigmap/b\n", names);
        Assert.Equal(["NAME V", "a 1", "b 2"], columns.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))));
        Assert.Matches("^NAME\\s+DATA\\s+AGE\\s*\na\\s+2\\s+", wide);
    }

    private static async Task CreateDependentAsync(Kubectl kubectl, string name, string owner)
    {
        var uid = await kubectl.OkAsync("get", "configmap", owner, "-o", "jsonpath={.metadata.uid}");
        await kubectl.OkAsync("apply", "-f", kubectl.WriteFile(name + ".yaml", $"""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {name}
              ownerReferences:
              - apiVersion: v1
                kind: ConfigMap
                name: {owner}
                uid: {uid}
            """));
    }
}
