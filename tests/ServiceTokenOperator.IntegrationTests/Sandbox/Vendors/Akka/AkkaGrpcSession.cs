using Grpc.Core;
using Grpc.Net.Client;
using ServiceTokenOperator.Akka.Grpc.Auth;
using ServiceTokenOperator.Akka.Grpc.Projects;
using ServiceTokenOperator.Sandbox.Vendors.Akka;

namespace ServiceTokenOperator.IntegrationTests.Sandbox.Vendors.Akka;

/// <summary>Raw generated gRPC clients over a real plaintext HTTP/2 socket to a simulator, for contract tests.</summary>
internal sealed class AkkaGrpcSession : IDisposable
{
    public AkkaGrpcSession(AkkaSimulator simulator)
    {
        Simulator = simulator;
        Channel = GrpcChannel.ForAddress(simulator.GrpcUrl);
        Auth = new Auth.AuthClient(Channel);
        Projects = new Projects.ProjectsClient(Channel);
    }

    public AkkaSimulator Simulator { get; }

    public GrpcChannel Channel { get; }

    public Auth.AuthClient Auth { get; }

    public Projects.ProjectsClient Projects { get; }

    public string Parent => "projects/" + Simulator.Project;

    public static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };

    public async Task<string> AccessTokenAsync(string longLivedToken) =>
        (await Auth.CreateAccessTokenAsync(new CreateAccessTokenRequest(), Bearer(longLivedToken))).Token;

    public async Task<Metadata> AdminAsync() => Bearer(await AccessTokenAsync(Simulator.AdminRefreshToken));

    public async Task<ServiceTokenValue> CreateTokenAsync(string description, params TokenScope[] scopes)
    {
        var request = new CreateTokenRequest { Parent = Parent, Description = description };
        request.Scopes.AddRange(scopes);
        return await Projects.CreateTokenAsync(request, await AdminAsync());
    }

    public void Dispose() => Channel.Dispose();
}
