using Microsoft.Extensions.Time.Testing;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Cli;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.IntegrationTests.Shipping;

/// <summary><c>kubectl servicetoken rotate|status</c> against the sandbox with the real operator running.</summary>
public sealed class KubectlPluginTests(OperatorWorld world) : IClassFixture<OperatorWorld>
{
    [Fact]
    public async Task Rotate_ReadyToken_SetsAnnotationFromTimeProviderAndOperatorIssuesNextRevision()
    {
        await ApplyTokenAsync("plugin-rotate", "default");
        var first = await ReadyAsync("default", "plugin-rotate", revision: 1);
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, 678, TimeSpan.Zero));

        var (exit, output, error) = await PluginAsync(time, "rotate", "plugin-rotate", "-n", "default", "--kubeconfig", world.World.KubeconfigPath);

        Assert.True(exit == 0, error);
        Assert.Equal("servicetoken.servicetoken.dev/plugin-rotate rotation requested (servicetoken.dev/rotate=2030-01-02T03:04:05.678Z)", output.Trim());
        var second = await ReadyAsync("default", "plugin-rotate", revision: 2);
        Assert.Equal("2030-01-02T03:04:05.678Z", second.Metadata.Annotations[SecretLabels.Rotate]);
        Assert.NotEqual(first.Status!.TokenId, second.Status!.TokenId);
    }

    [Fact]
    public async Task Rotate_MissingToken_ExitsOneNamingTokenAndNamespace()
    {
        var (exit, _, error) = await PluginAsync(TimeProvider.System, "rotate", "nope", "--namespace=default", "--kubeconfig", world.World.KubeconfigPath);

        Assert.Equal(1, exit);
        Assert.Contains("servicetoken \"nope\" not found in namespace \"default\"", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rotate", "unknown flag --force", "--force")]
    [InlineData("rotate", "needs exactly one ServiceToken NAME")]
    [InlineData("explode", "unknown command \"explode\"")]
    public async Task Plugin_BadArguments_ExitTwoWithReason(string command, string message, params string[] extra)
    {
        var (exit, _, error) = await PluginAsync(TimeProvider.System, [command, .. extra, "--kubeconfig", world.World.KubeconfigPath]);

        Assert.Equal(2, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_NamespaceAndAllNamespaces_PrintTableOfTokens()
    {
        await world.ApplyAsync("apiVersion: v1\nkind: Namespace\nmetadata: {name: plugin-team}\n", null);
        await ApplyTokenAsync("plugin-status", "plugin-team");
        var ready = await ReadyAsync("plugin-team", "plugin-status", revision: 1);

        var (exit, output, error) = await PluginAsync(TimeProvider.System, "status", "-n", "plugin-team", "--kubeconfig", world.World.KubeconfigPath);
        Assert.True(exit == 0, error);
        var lines = output.Trim().Split('\n');
        Assert.Equal(["NAMESPACE", "NAME", "READY", "REASON", "ISSUER", "SECRET", "TOKEN", "ID", "REV", "NEXT", "ROTATION"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var row = Assert.Single(lines[1..]).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["plugin-team", "plugin-status", "True"], row[..3]);
        Assert.Contains(ready.Status!.TokenId!, row);

        var (allExit, all, _) = await PluginAsync(TimeProvider.System, "status", "-A", "--kubeconfig", world.World.KubeconfigPath);
        Assert.Equal(0, allExit);
        Assert.Contains(all.Split('\n'), l => l.StartsWith("plugin-team", StringComparison.Ordinal) && l.Contains("plugin-status", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EntryPointScript_RunByRealKubectl_PrintsStatusOfOneToken()
    {
        await ApplyTokenAsync("plugin-kubectl", "default");
        await ReadyAsync("default", "plugin-kubectl", revision: 1);
        var binary = Path.Combine(AppContext.BaseDirectory, "servicetoken-operator");
        Assert.True(File.Exists(binary), $"the operator's apphost is not beside the tests: {binary}");

        var result = await ToolRunner.RunAsync(
            ShippingTools.Kubectl(),
            ["servicetoken", "status", "plugin-kubectl"],
            environment: new Dictionary<string, string>
            {
                ["PATH"] = $"{RepoPaths.Of("deploy", "kubectl")}{Path.PathSeparator}{Environment.GetEnvironmentVariable("PATH")}",
                ["SERVICETOKEN_OPERATOR_BIN"] = binary,
                ["KUBECONFIG"] = world.World.KubeconfigPath,
            });

        Assert.True(result.ExitCode == 0, $"kubectl servicetoken status exited {result.ExitCode}: {result.Stderr}");
        var row = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["default", "plugin-kubectl", "True"], row[..3]);
    }

    private static async Task<(int Exit, string Output, string Error)> PluginAsync(TimeProvider time, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await PluginVerb.RunAsync(args, output, error, time, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    private Task ApplyTokenAsync(string name, string @namespace) => world.ApplyAsync($"""
        apiVersion: servicetoken.dev/v1alpha1
        kind: ServiceToken
        metadata:
          name: {name}
        spec:
          issuerRef:
            kind: ClusterTokenIssuer
            name: sandbox-planetscale
        """, @namespace);

    private Task<ServiceToken> ReadyAsync(string @namespace, string name, int revision) =>
        Eventually.ValueAsync(
            async () => (await world.GetTokenAsync(@namespace, name))!,
            t => t is not null && t.Status?.Revision == revision && Conditions.Find(t.Status.Conditions, ConditionTypes.Ready)?.Status == "True",
            $"ServiceToken {@namespace}/{name} to be Ready at revision {revision}",
            seconds: 60);
}
