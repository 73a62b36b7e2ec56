using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace ServiceTokenOperator.Sandbox.Vendors.Akka;

/// <summary><c>kalix.projects.v1alpha.Projects</c>, the service-token rpcs; bound by <see cref="AkkaGrpcMethodProvider"/>.</summary>
internal sealed class AkkaProjectsService(AkkaWorld world)
{
    public const string ServiceName = "kalix.projects.v1alpha.Projects";

    public async Task<WireServiceTokenValue> CreateToken(WireCreateTokenRequest request, ServerCallContext context)
    {
        await world.AdmitAsync(context);
        return world.CreateToken(request, context);
    }

    public async Task<WireListTokensResponse> ListTokens(WireListTokensRequest request, ServerCallContext context)
    {
        await world.AdmitAsync(context);
        return world.ListTokens(request, context);
    }

    public async Task<Empty> DeleteToken(WireDeleteTokenRequest request, ServerCallContext context)
    {
        await world.AdmitAsync(context);
        world.DeleteToken(request, context);
        return new Empty();
    }
}
