using System.Globalization;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Logging;
using ServiceTokenOperator.Api;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Hosting;
using ServiceTokenOperator.Sandbox.World;

namespace ServiceTokenOperator.IntegrationTests;

/// <summary>The sandbox world and a real operator host talking to it over sockets; shared by a test class.</summary>
public sealed class OperatorWorld : IAsyncLifetime
{
    private static readonly HttpClient Http = new();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "st-it-" + Guid.NewGuid().ToString("N")[..8]);
    private OperatorHost? _host;

    public SandboxWorld World { get; private set; } = null!;

    public IKubernetes Client { get; private set; } = null!;

    internal OperatorHost Host => _host!;

    public async Task InitializeAsync()
    {
        World = await SandboxWorld.StartAsync(new SandboxWorldOptions { Dir = _dir, CrdYamls = CrdManifests.All().Select(c => c.Yaml).ToList() });
        Client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(World.KubeconfigPath));
        await StartOperatorAsync();
    }

    public async Task StartOperatorAsync()
    {
        _host = await OperatorHost.StartAsync(
            new OperatorOptions
            {
                Kubeconfig = World.KubeconfigPath, MetricsPort = 0, Namespace = World.Options.OperatorNamespace, MinRotationPeriod = TimeSpan.FromSeconds(5),
                // Seconds, so that crash tests see an unrecorded token swept; the window still far exceeds create-to-Secret.
                OrphanSweepInterval = TimeSpan.FromSeconds(2), OrphanSafetyWindow = TimeSpan.FromSeconds(10),
            },
            logging => logging.SetMinimumLevel(LogLevel.Warning),
            loopbackOnly: true);
    }

    public async Task StopOperatorAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        _host = null;
    }

    public async Task ApplyAsync(string yaml, string? @namespace = "default")
    {
        using var applier = World.CreateApplier();
        await applier.ApplyAsync(yaml, @namespace, CancellationToken.None);
    }

    /// <summary>ServiceToken reconciles the running operator has finished, from its /metrics: a restarted one has
    /// reconciled every token once this reaches their number.</summary>
    public async Task<double> ServiceTokenReconcilesAsync()
    {
        var text = await Http.GetStringAsync(new Uri(Host.MetricsBase, "/metrics"));
        return text.Split('\n')
            .Where(l => l.StartsWith("servicetoken_reconcile_duration_seconds_count{", StringComparison.Ordinal) && l.Contains("controller=\"servicetoken\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    public async Task<ServiceToken?> GetTokenAsync(string @namespace, string name)
    {
        try
        {
            var element = await Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(ApiGroup.Group, ApiGroup.VersionName, @namespace, ServiceToken.Plural, name);
            return JsonSerializer.Deserialize<ServiceToken>(element.GetRawText());
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task DisposeAsync()
    {
        await StopOperatorAsync();
        Client?.Dispose();
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
