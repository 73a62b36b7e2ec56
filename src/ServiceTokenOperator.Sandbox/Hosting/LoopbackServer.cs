using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ServiceTokenOperator.Sandbox.Hosting;

/// <summary>
/// A Kestrel server on 127.0.0.1 (port 0 picks a free one), the shared host of the sandbox's Kubernetes API and
/// vendor simulators. Loopback unless a caller opts in with <see cref="ListenOn"/>: by default the sandbox is never
/// reachable from another machine.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    // Ambient rather than a parameter: each simulator starts its own servers, and threading an address through every
    // simulator's options would touch all of them for one opt-in use (vendors reachable from a k3d cluster).
    private static readonly AsyncLocal<IPAddress?> ListenAddress = new();

    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    /// <summary>http://127.0.0.1:PORT (or the address given to <see cref="ListenOn"/>, 127.0.0.1 for a wildcard), without a trailing slash.</summary>
    public Uri BaseUri { get; }

    /// <summary>
    /// Until the returned scope is disposed, servers started from this async flow listen on <paramref name="address"/>
    /// instead of 127.0.0.1 (e.g. 0.0.0.0 to be reachable from containers). Scopes nest.
    /// </summary>
    public static IDisposable ListenOn(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var previous = ListenAddress.Value;
        ListenAddress.Value = address;
        return new ListenScope(previous);
    }

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
        var listenAddress = ListenAddress.Value ?? IPAddress.Loopback;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(listenAddress, port, o => o.Protocols = protocols);
            k.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
            k.Limits.MinRequestBodyDataRate = null;
            k.Limits.MinResponseDataRate = null;
            k.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(10);
            k.Limits.Http2.KeepAlivePingDelay = TimeSpan.MaxValue;
        });
        // No console lifetime: it would catch SIGINT/SIGTERM for this one server and leave the process running without
        // it. Signals belong to the process (Program.cs), which disposes its servers.
        builder.Services.AddSingleton<IHostLifetime, ProcessOwnedLifetime>();
        configureServices(builder.Services);
        var app = builder.Build();
        configureApp(app);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // A wildcard is no address to connect to: the process itself reaches the server on loopback.
        var reachable = address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("//0.0.0.0:", "//127.0.0.1:", StringComparison.Ordinal);
        return new LoopbackServer(app, new Uri(reachable.TrimEnd('/')));
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

    private sealed class ListenScope(IPAddress? previous) : IDisposable
    {
        public void Dispose() => ListenAddress.Value = previous;
    }

    private sealed class ProcessOwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
