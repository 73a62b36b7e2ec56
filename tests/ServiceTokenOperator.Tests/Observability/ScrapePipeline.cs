using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using ServiceTokenOperator.Observability;

namespace ServiceTokenOperator.Tests.Observability;

/// <summary>
/// The /metrics branch as OperatorHost maps it (the Prometheus exporter, with or without the token series in front),
/// invoked with an in-memory request: the real exporter and negotiation, no socket.
/// </summary>
internal sealed class ScrapePipeline : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly RequestDelegate _pipeline;

    /// <param name="views">Adds to the meter provider (a view to drop instruments another pipeline of the same meter name owns).</param>
    public ScrapePipeline(string meterName, bool tokenSeries = true, Func<MeterProviderBuilder, MeterProviderBuilder>? views = null)
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddSingleton(sp => new OperatorMetrics(sp.GetRequiredService<IMeterFactory>(), meterName));
        services.AddOpenTelemetry().WithMetrics(m => (views ?? (b => b))(m.AddMeter(meterName))
            .AddPrometheusExporter(p => p.ScrapeResponseCacheDurationMilliseconds = 0));
        _services = services.BuildServiceProvider();
        Metrics = _services.GetRequiredService<OperatorMetrics>();
        _pipeline = new ApplicationBuilder(_services)
            .UseOpenTelemetryPrometheusScrapingEndpoint(_services.GetRequiredService<MeterProvider>(), null, "/metrics", tokenSeries ? TokenSeriesMiddleware.AddTo : null, null)
            .Build();
    }

    public OperatorMetrics Metrics { get; }

    /// <summary>Scrapes into <paramref name="body"/>; returns the response's status and headers.</summary>
    public async Task<HttpResponse> ScrapeAsync(Stream body, string? accept = null, string? acceptEncoding = null)
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Request.Path = "/metrics";
        if (accept is not null) context.Request.Headers.Accept = accept;
        if (acceptEncoding is not null) context.Request.Headers.AcceptEncoding = acceptEncoding;
        context.Response.Body = body;
        await _pipeline(context);
        return context.Response;
    }

    public async Task<string> ScrapeTextAsync(string? accept = null)
    {
        using var body = new MemoryStream();
        var response = await ScrapeAsync(body, accept);
        Assert.Equal(StatusCodes.Status200OK, response.StatusCode);
        return System.Text.Encoding.UTF8.GetString(body.ToArray());
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
