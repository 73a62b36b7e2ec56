using k8s;
using Microsoft.Extensions.Logging;
using ServiceTokenOperator.Api;
using ServiceTokenOperator.Hosting;
using ServiceTokenOperator.Sandbox.World;

namespace ServiceTokenOperator.IntegrationTests.Shipping;

/// <summary>
/// The sandbox with RBAC enforced and the operator running as the chart's ServiceAccount, holding only the
/// permissions of config/rbac/rbac.yaml (which a test keeps equal to the chart's rendering).
/// </summary>
public sealed class ChartRbacWorld : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "st-rbac-" + Guid.NewGuid().ToString("N")[..8]);
    private OperatorHost? _host;

    public SandboxWorld World { get; private set; } = null!;

    /// <summary>An admin client, for what a person applies.</summary>
    public IKubernetes Admin { get; private set; } = null!;

    internal RecordingAuthorizer Authorizer { get; private set; } = null!;

    internal string OperatorUser => $"system:serviceaccount:{HelmChart.Namespace}:{HelmChart.Release}";

    public async Task InitializeAsync()
    {
        World = await SandboxWorld.StartAsync(new SandboxWorldOptions { Dir = _dir, CrdYamls = CrdManifests.All().Select(c => c.Yaml).ToList() });
        Admin = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(World.KubeconfigPath));
        Authorizer = new RecordingAuthorizer(World.Kube.Authorizer);
        World.Kube.Authorizer = Authorizer;

        using (var applier = World.CreateApplier())
        {
            await applier.ApplyAsync(await File.ReadAllTextAsync(RepoPaths.Of("config", "rbac", "rbac.yaml")), HelmChart.Namespace, CancellationToken.None);
        }

        var token = World.Kube.AddServiceAccountToken(HelmChart.Namespace, HelmChart.Release);
        var kubeconfig = World.Kube.WriteKubeconfig(Path.Combine(_dir, "operator-kubeconfig"), token);
        _host = await OperatorHost.StartAsync(
            new OperatorOptions { Kubeconfig = kubeconfig, MetricsPort = 0, Namespace = HelmChart.Namespace, LeaderElect = true, Identity = "rbac-test" },
            logging => logging.SetMinimumLevel(LogLevel.Warning),
            loopbackOnly: true);
    }

    public async Task ApplyAsync(string yaml, string @namespace)
    {
        using var applier = World.CreateApplier();
        await applier.ApplyAsync(yaml, @namespace, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        Admin?.Dispose();
        if (World is not null) await World.DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind harms nothing.
        }
    }
}
