using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ServiceTokenOperator.Sandbox.Hosting;

/// <summary>
/// A Kestrel server on 127.0.0.1 (port 0 picks a free one), the shared host of the sandbox's Kubernetes API and
/// vendor simulators. Only loopback: the sandbox is never reachable from another machine.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    /// <summary>http://127.0.0.1:PORT, without a trailing slash.</summary>
    public Uri BaseUri { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Builds, configures and starts a server.</summary>
    /// <param name="port">0 for a free port.</param>
    /// <param name="protocols">Http2 alone for plaintext gRPC (prior knowledge); Http1AndHttp2 otherwise.</param>
    /// <param name="configureServices">Registers services.</param>
    /// <param name="configureApp">Maps endpoints and middleware.</param>
    public static async Task<LoopbackServer> StartAsync(
        int port,
        HttpProtocols protocols,
        Action<IServiceCollection> configureServices,
        Action<WebApplication> configureApp,
        CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Loopback, port, o => o.Protocols = protocols);
            k.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
            k.Limits.MinRequestBodyDataRate = null;
            k.Limits.MinResponseDataRate = null;
            k.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(10);
            k.Limits.Http2.KeepAlivePingDelay = TimeSpan.MaxValue;
        });
        configureServices(builder.Services);
        var app = builder.Build();
        configureApp(app);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoopbackServer(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/')));
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Open watch streams may outlive the grace period; disposal below closes them.
        }

        await _app.DisposeAsync();
    }
}
