using k8s;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using ServiceTokenOperator.Api;
using ServiceTokenOperator.Hosting;
using ServiceTokenOperator.Sandbox.World;

namespace ServiceTokenOperator.IntegrationTests.Observability;

/// <summary>The sandbox and an operator whose every log line (all levels) and span is captured.</summary>
public sealed class ObservedOperatorWorld : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "st-obs-" + Guid.NewGuid().ToString("N")[..8]);

    public SandboxWorld World { get; private set; } = null!;

    public IKubernetes Client { get; private set; } = null!;

    internal OperatorHost Host { get; private set; } = null!;

    internal CapturedLogs Logs { get; } = new();

    internal CapturedSpans Spans { get; } = new();

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    public async Task InitializeAsync()
    {
        World = await SandboxWorld.StartAsync(new SandboxWorldOptions { Dir = _dir, CrdYamls = CrdManifests.All().Select(c => c.Yaml).ToList() });
        Client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(World.KubeconfigPath));
        Host = await OperatorHost.StartAsync(
            new OperatorOptions
            {
                Kubeconfig = World.KubeconfigPath,
                MetricsPort = 0,
                Namespace = World.Options.OperatorNamespace,
                MinRotationPeriod = TimeSpan.FromSeconds(5),
                LogLevel = LogLevel.Trace,
                MeterName = "ServiceTokenOperator.Observed-" + Guid.NewGuid().ToString("N")[..8],
            },
            logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs),
            loopbackOnly: true,
            tracing: t => t.AddProcessor(Spans));
    }

    public Task<string> ScrapeAsync() => Http.GetStringAsync(new Uri(Host.MetricsBase, "/metrics"));

    public async Task ApplyAsync(string yaml, string? @namespace = "default")
    {
        using var applier = World.CreateApplier();
        await applier.ApplyAsync(yaml, @namespace, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Http.Dispose();
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
