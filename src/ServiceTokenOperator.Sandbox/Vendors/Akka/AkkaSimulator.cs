using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using ServiceTokenOperator.Sandbox.Hosting;

namespace ServiceTokenOperator.Sandbox.Vendors.Akka;

/// <summary>
/// The Akka gRPC Platform API (vendor-contracts.md "Akka") on a plaintext HTTP/2 port of 127.0.0.1, with its
/// <c>/_sandbox</c> inspection endpoints on a second, HTTP/1.1 port: a gRPC listener with prior knowledge
/// cannot also serve HTTP/1.1 requests.
/// </summary>
public sealed class AkkaSimulator : IAsyncDisposable
{
    private readonly LoopbackServer _grpc;
    private readonly LoopbackServer _inspect;
    private readonly AkkaWorld _world;

    private AkkaSimulator(LoopbackServer grpc, LoopbackServer inspect, AkkaWorld world)
    {
        _grpc = grpc;
        _inspect = inspect;
        _world = world;
    }

    /// <summary>http://127.0.0.1:PORT, plaintext HTTP/2 with prior knowledge.</summary>
    public Uri GrpcUrl => _grpc.BaseUri;

    /// <summary>http://127.0.0.1:PORT serving <c>/_sandbox/tokens</c> and <c>/_sandbox/faults</c>.</summary>
    public Uri InspectUrl => _inspect.BaseUri;

    /// <summary>The project id (a UUID).</summary>
    public string Project => _world.Project;

    /// <summary>A user refresh token of a project admin: what <c>AKKA_TOKEN</c> of an issuer holds.</summary>
    public string AdminRefreshToken => _world.AdminRefreshToken;

    public FaultPlan Faults => _world.Faults;

    /// <summary>gRPC requests received, including those answered with injected faults.</summary>
    public long RequestCount => _world.RequestCount;

    public static async Task<AkkaSimulator> StartAsync(AkkaSimulatorOptions options, CancellationToken ct = default)
    {
        var world = new AkkaWorld(options, new FaultPlan());
        var grpc = await LoopbackServer.StartAsync(
            options.GrpcPort,
            HttpProtocols.Http2,
            services =>
            {
                services.AddGrpc();
                services.AddSingleton(world);
                services.AddSingleton<AkkaAuthService>();
                services.AddSingleton<AkkaProjectsService>();
                var methods = new AkkaGrpcMethodProvider();
                services.AddSingleton<IServiceMethodProvider<AkkaAuthService>>(methods);
                services.AddSingleton<IServiceMethodProvider<AkkaProjectsService>>(methods);
            },
            app =>
            {
                app.MapGrpcService<AkkaAuthService>();
                app.MapGrpcService<AkkaProjectsService>();
            },
            ct);
        try
        {
            var inspect = await LoopbackServer.StartAsync(
                options.InspectPort,
                HttpProtocols.Http1,
                _ => { },
                app => app.MapSandboxInspection(world.Tokens, world.Faults),
                ct);
            return new AkkaSimulator(grpc, inspect, world);
        }
        catch
        {
            await grpc.DisposeAsync();
            throw;
        }
    }

    /// <summary>Adds a user to the project and answers their refresh token (test helper).</summary>
    public string AddUserRefreshToken(bool projectAdmin) => _world.AddUser(projectAdmin);

    /// <summary>Every service token ever issued, revoked ones included.</summary>
    public IReadOnlyList<SandboxTokenRecord> Tokens() => _world.Tokens();

    public async ValueTask DisposeAsync()
    {
        await _inspect.DisposeAsync();
        await _grpc.DisposeAsync();
    }
}
