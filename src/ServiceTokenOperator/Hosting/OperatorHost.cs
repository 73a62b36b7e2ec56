using System.Net;
using k8s;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

using ServiceTokenOperator.Controllers;

namespace ServiceTokenOperator.Hosting;

/// <summary>The operator process: controllers plus the HTTP endpoints an SRE expects (/healthz, /readyz) on the metrics port.</summary>
internal sealed class OperatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OperatorHost(WebApplication app, Uri metricsBase)
    {
        _app = app;
        MetricsBase = metricsBase;
    }

    /// <summary>http://127.0.0.1:PORT of the metrics and health endpoints.</summary>
    public Uri MetricsBase { get; }

    public ControllerManager Controllers => _app.Services.GetRequiredService<ControllerManager>();

    /// <summary>Crash injection, for tests; disarmed unless a test arms it.</summary>
    public FailPoints FailPoints => _app.Services.GetRequiredService<FailPoints>();

    public static async Task<OperatorHost> StartAsync(OperatorOptions options, Action<ILoggingBuilder>? logging = null, bool loopbackOnly = false, CancellationToken cancellationToken = default)
    {
        var kubernetes = LoadKubernetesConfiguration(options.Kubeconfig);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (logging is not null) logging(builder.Logging);
        else builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information);
        builder.WebHost.ConfigureKestrel(k =>
        {
            if (loopbackOnly) k.Listen(IPAddress.Loopback, options.MetricsPort);
            else k.ListenAnyIP(options.MetricsPort);
        });
        builder.Services.AddServiceTokenOperator(options, kubernetes);
        var app = builder.Build();
        app.MapGet("/healthz", (ControllerManager m) => m.Alive ? Results.Text("ok") : Results.Text("informers stopped", statusCode: 503));
        app.MapGet("/readyz", (ControllerManager m) => m.Ready ? Results.Text("ok") : Results.Text("caches not synced", statusCode: 503));
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)).Port;
        return new OperatorHost(app, new Uri($"http://127.0.0.1:{port}"));
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    /// <summary>--kubeconfig, else KUBECONFIG (already folded into options), else in-cluster, else ~/.kube/config.</summary>
    private static KubernetesClientConfiguration LoadKubernetesConfiguration(string? kubeconfig)
    {
        if (kubeconfig is not null) return KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
        return KubernetesClientConfiguration.IsInCluster()
            ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile();
    }
}
