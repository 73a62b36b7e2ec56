using System.Text.Json;
using k8s;
using Microsoft.Extensions.Logging;
using ServiceTokenOperator.Api;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Hosting;
using ServiceTokenOperator.Sandbox.Vendors;
using ServiceTokenOperator.Sandbox.World;

namespace ServiceTokenOperator.IntegrationTests.Hosting;

/// <summary>One sandbox and several operator hosts against it, each started with its own options.</summary>
internal sealed class OperatorReplicas : IAsyncDisposable
{
    private readonly string _dir;
    private readonly Dictionary<string, OperatorHost> _hosts = [];

    private OperatorReplicas(string dir, SandboxWorld world, IKubernetes client)
    {
        _dir = dir;
        World = world;
        Client = client;
    }

    public SandboxWorld World { get; }

    public IKubernetes Client { get; }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    public IReadOnlyDictionary<string, OperatorHost> Hosts => _hosts;

    public static async Task<OperatorReplicas> StartAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), "st-ha-" + Guid.NewGuid().ToString("N")[..8]);
        var world = await SandboxWorld.StartAsync(new SandboxWorldOptions { Dir = dir, CrdYamls = CrdManifests.All().Select(c => c.Yaml).ToList() });
        return new OperatorReplicas(dir, world, new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(world.KubeconfigPath)));
    }

    /// <summary>Starts a replica named <paramref name="identity"/>; <paramref name="configure"/> sets its flags.</summary>
    public async Task<OperatorHost> StartReplicaAsync(string identity, Action<OperatorOptions>? configure = null)
    {
        var options = new OperatorOptions
        {
            Kubeconfig = World.KubeconfigPath,
            MetricsPort = 0,
            Namespace = World.Options.OperatorNamespace,
            MinRotationPeriod = TimeSpan.FromSeconds(5),
            Identity = identity,
            ClusterId = "ha",
            MeterName = $"ServiceTokenOperator.{identity}-{Guid.NewGuid().ToString("N")[..8]}",
        };
        configure?.Invoke(options);
        var host = await OperatorHost.StartAsync(options, logging => logging.SetMinimumLevel(LogLevel.Warning), loopbackOnly: true);
        _hosts[identity] = host;
        return host;
    }

    public async Task StopReplicaAsync(string identity)
    {
        if (_hosts.Remove(identity, out var host)) await host.DisposeAsync();
    }

    public async Task ApplyTokenAsync(string name, string issuer = SandboxWorld.AkkaIssuer)
    {
        using var applier = World.CreateApplier();
        await applier.ApplyAsync($"""
            apiVersion: servicetoken.dev/v1alpha1
            kind: ServiceToken
            metadata:
              name: {name}
            spec:
              issuerRef:
                kind: ClusterTokenIssuer
                name: {issuer}
            """, "default", CancellationToken.None);
    }

    public async Task<ServiceToken?> GetTokenAsync(string name)
    {
        try
        {
            var element = await Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(ApiGroup.Group, ApiGroup.VersionName, "default", ServiceToken.Plural, name);
            return JsonSerializer.Deserialize<ServiceToken>(element.GetRawText());
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public Task<ServiceToken?> ReadyAsync(string name, int seconds = 30) =>
        Eventually.ValueAsync(() => GetTokenAsync(name), t => t?.Status?.TokenId is not null && Conditions.IsTrue(t.Status.Conditions, ConditionTypes.Ready), $"{name} to be ready", seconds);

    /// <summary>Every token the Akka simulator ever issued (what its /_sandbox/tokens lists).</summary>
    public IReadOnlyList<SandboxTokenRecord> AkkaTokens() => World.Akka.Tokens();

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts.Values) await host.DisposeAsync();
        _hosts.Clear();
        Http.Dispose();
        Client.Dispose();
        await World.DisposeAsync();
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
