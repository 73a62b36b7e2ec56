using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.IntegrationTests.Hosting;
using ServiceTokenOperator.IntegrationTests.Reliability;
using ServiceTokenOperator.Observability;
using ServiceTokenOperator.Sandbox.World;
using OperatorProcess = ServiceTokenOperator.IntegrationTests.Hosting.OperatorProcess;

namespace ServiceTokenOperator.IntegrationTests.Shipping;

/// <summary>
/// The published operator — self-contained, the framework trimmed — does all the build does. Trimming removes what
/// nothing references statically, so reflection (JSON of the CRD types, YAML of the kubeconfig, the vendors' clients,
/// the metrics exporter) is what could break; this runs each of them through the image's executable.
/// </summary>
public sealed class PublishedOperatorTests(PublishedOperator published) : IClassFixture<PublishedOperator>
{
    private const string ClusterId = "published";

    [Fact]
    public void Publish_IsSelfContainedWithTheFrameworkTrimmed()
    {
        Assert.True(File.Exists(published.Executable), $"no apphost at {published.Executable}");
        var runtimeConfig = JsonNode.Parse(File.ReadAllText(Path.Combine(published.Dir, "servicetoken-operator.runtimeconfig.json")))!["runtimeOptions"]!;
        // Self-contained: the frameworks are included, not looked up on the machine.
        Assert.NotNull(runtimeConfig["includedFrameworks"]);
        Assert.Null(runtimeConfig["frameworks"]);
        Assert.True((bool)runtimeConfig["configProperties"]!["System.Text.Json.JsonSerializer.IsReflectionEnabledByDefault"]!);

        // Trimmed: the app's copy of CoreLib is a fraction of the shared framework's (≈ 3 MB of ≈ 15 MB).
        var shared = new FileInfo(typeof(object).Assembly.Location).Length;
        var own = new FileInfo(Path.Combine(published.Dir, "System.Private.CoreLib.dll")).Length;
        Assert.True(own < shared / 2, $"CoreLib {own} B published, {shared} B in the shared framework");
        // Our assemblies and the libraries' are kept whole (partial trimming).
        Assert.Equal(
            new FileInfo(Path.Combine(AppContext.BaseDirectory, "KubernetesClient.dll")).Length,
            new FileInfo(Path.Combine(published.Dir, "KubernetesClient.dll")).Length);
    }

    [Fact]
    public async Task PublishedExecutable_EveryVendor_IssuesRotatesRevokesAndServesMetrics()
    {
        await using var replicas = await OperatorReplicas.StartAsync();
        var world = replicas.World;
        string[] args =
        [
            "--kubeconfig", world.KubeconfigPath, "--metrics-port", "0", "--namespace", world.Options.OperatorNamespace,
            "--cluster-id", ClusterId, "--min-rotation-period", "5s", "--log-format", "json",
        ];
        using var process = OperatorProcess.Start("pod-published", args, published.Executable);
        var metrics = await process.MetricsUrlAsync();

        var names = new List<string>();
        using (var applier = world.CreateApplier())
        {
            foreach (var issuer in VendorLedger.Issuers)
            {
                var name = issuer.Replace("sandbox-", "pub-", StringComparison.Ordinal);
                names.Add(name);
                await applier.ApplyAsync(TestManifests.ServiceToken(name, issuer, $"""
                    {(issuer == SandboxWorld.AkkaIssuer ? "  akka:\n    scopes: [execution]\n" : string.Empty)}  rotation:
                        every: 5s
                        gracePeriod: 2s
                    """), "default", CancellationToken.None);
            }
        }

        // Issued, rotated and the old tokens revoked: the live vendor tokens are exactly those the Secrets hold.
        await Eventually.ValueAsync(() => VendorLedger.ListTokensAsync(replicas.Client, "default"), tokens => tokens.Count == names.Count && tokens.All(t => t.Status?.Revision >= 2), "every token to have rotated", seconds: 90);
        foreach (var name in names)
        {
            var patch = new V1Patch("""{"spec":{"rotation":{"every":"1h"}}}""", V1Patch.PatchType.MergePatch);
            await replicas.Client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, ApiGroup.Group, ApiGroup.VersionName, "default", ServiceToken.Plural, name);
        }

        await Eventually.ValueAsync(
            () => VendorLedger.LookAsync(world, replicas.Client, "default", $"st-{ClusterId}-"),
            look => look.Quiet && look.PerIssuer.Values.All(i => i.Held.Count == 1 && i.Live.SequenceEqual(i.Held)),
            "live vendor tokens to be exactly the Secrets' tokens", seconds: 60);
        Assert.All(VendorLedger.Issuers, issuer => Assert.Contains(VendorLedger.TokensOf(world, issuer), t => t.RevokedAt is not null));

        // The exporter's families and the per-token series written at scrape time.
        var text = await replicas.Http.GetStringAsync(new Uri(metrics, "/metrics"));
        Assert.Contains($"# TYPE {OperatorMetrics.Rotations}", text, StringComparison.Ordinal);
        var lines = text.Split('\n');
        // The runtime's meter survives trimming: a collection count per generation, and the JIT's work.
        Assert.Contains(lines, l => l.StartsWith("dotnet_gc_collections_total{", StringComparison.Ordinal) && l.Contains("gc_heap_generation=\"gen0\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("dotnet_jit_compiled_methods_total{", StringComparison.Ordinal) && !l.EndsWith(" 0", StringComparison.Ordinal));
        Assert.All(names, name => Assert.Contains(lines, l => l.StartsWith($"{OperatorMetrics.ReadyStatus}{{", StringComparison.Ordinal) && l.Contains($",name=\"{name}\",", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal)));

        // Deleted: every vendor token of this cluster is revoked.
        foreach (var name in names)
        {
            await replicas.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.VersionName, "default", ServiceToken.Plural, name);
        }

        await Eventually.TrueAsync(
            () => Task.FromResult(VendorLedger.Issuers.All(i => !VendorLedger.TokensOf(world, i).Any(t => t.Live && t.Name?.StartsWith($"st-{ClusterId}-", StringComparison.Ordinal) == true))),
            "every vendor token of the deleted ServiceTokens to be revoked", seconds: 60);

        // SIGTERM: a clean stop.
        process.Terminate();
        await process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, process.ExitCode);
        Assert.DoesNotContain(process.Output, l => l.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal) || l.Contains("\"LogLevel\":\"Critical\"", StringComparison.Ordinal));
    }
}
