using System.Net;
using k8s;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ServiceTokenOperator.Observability;

using ServiceTokenOperator.Controllers;

namespace ServiceTokenOperator.Hosting;

/// <summary>
/// The operator process: controllers plus the HTTP endpoints an SRE expects (/metrics, /healthz, /readyz) on the
/// metrics port, logs as text or JSON, and traces exported over OTLP when the standard OTEL_* variables ask for it.
/// </summary>
internal sealed class OperatorHost : IAsyncDisposable
{
    /// <summary>The meter .NET publishes its runtime metrics on (dotnet_gc_*, dotnet_jit_*, dotnet_thread_pool_*).</summary>
    private const string RuntimeMeter = "System.Runtime";

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

    /// <param name="logging">Replaces the console logging chosen by --log-format (tests and the sandbox capture logs).</param>
    /// <param name="tracing">Adds to the tracer provider, e.g. an in-memory exporter; tracing is on when given.</param>
    public static async Task<OperatorHost> StartAsync(
        OperatorOptions options,
        Action<ILoggingBuilder>? logging = null,
        bool loopbackOnly = false,
        Action<TracerProviderBuilder>? tracing = null,
        CancellationToken cancellationToken = default)
    {
        var kubernetes = LoadKubernetesConfiguration(options.Kubeconfig);
        var builder = WebApplication.CreateSlimBuilder();
        ConfigureLogging(builder.Logging, options, logging);
        builder.WebHost.ConfigureKestrel(k =>
        {
            if (loopbackOnly) k.Listen(IPAddress.Loopback, options.MetricsPort);
            else k.ListenAnyIP(options.MetricsPort);
        });
        builder.Services.AddServiceTokenOperator(options, kubernetes);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("servicetoken-operator", serviceInstanceId: options.Identity))
            // System.Runtime: the runtime's own meter (GC collections and pause time, JIT, heap, thread pool), what
            // a Go operator's default collectors expose; it explains a reconcile tail without attaching a profiler.
            .WithMetrics(m => m.AddMeter(options.MeterName, RuntimeMeter).AddPrometheusExporter(p =>
            {
                // Every scrape sees the current state; a cached response would hide the last reconcile.
                p.ScrapeResponseCacheDurationMilliseconds = 0;
            }));
        var otlp = OtlpRequested(Environment.GetEnvironmentVariable);
        if (otlp || tracing is not null)
        {
            telemetry.WithTracing(t =>
            {
                t.AddSource(OperatorTelemetry.Name).AddHttpClientInstrumentation();
                if (otlp) t.AddOtlpExporter();
                tracing?.Invoke(t);
            });
        }

        var app = builder.Build();
        // The per-ServiceToken families are written from the cache at scrape time, in front of the exporter.
        app.MapPrometheusScrapingEndpoint("/metrics", meterProvider: null, TokenSeriesMiddleware.AddTo, optionsName: null);
        app.MapGet("/healthz", (ControllerManager m) => m.Alive ? Results.Text("ok") : Results.Text("informers stopped", statusCode: 503));
        app.MapGet("/readyz", (ControllerManager m) => m.Ready ? Results.Text("ok") : Results.Text("caches not synced", statusCode: 503));
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)).Port;
        return new OperatorHost(app, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>OTLP export is on when the standard variables configure an endpoint or name the otlp exporter.</summary>
    public static bool OtlpRequested(Func<string, string?> environment) =>
        !string.IsNullOrEmpty(environment("OTEL_EXPORTER_OTLP_ENDPOINT"))
        || !string.IsNullOrEmpty(environment("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))
        || string.Equals(environment("OTEL_TRACES_EXPORTER"), "otlp", StringComparison.OrdinalIgnoreCase);

    private static void ConfigureLogging(ILoggingBuilder logging, OperatorOptions options, Action<ILoggingBuilder>? custom)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(options.LogLevel);
        // Trace and span ids in every log line's scope, to go from a log line to its trace.
        logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        // Kestrel's start-up chatter is not the operator's business; its warnings still are.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        // HttpClient and its resilience pipeline log four to six lines per vendor call at Information: the operator
        // logs each vendor action itself, once, and these only drown it (and cost CPU at scale).
        logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        logging.AddFilter("Polly", LogLevel.Warning);
        if (custom is not null)
        {
            custom(logging);
            return;
        }

        if (options.LogFormat == "json")
        {
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";
            });
        }
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
        if (kubeconfig is not null) return KubeconfigLoader.FromFile(kubeconfig);
        return KubernetesClientConfiguration.IsInCluster()
            ? KubernetesClientConfiguration.InClusterConfig()
            : KubeconfigLoader.FromFile(KubernetesClientConfiguration.KubeConfigDefaultLocation);
    }
}
