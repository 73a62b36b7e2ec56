using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace ServiceTokenOperator.Sandbox.Vendors.Akka;

/// <summary><c>kalix.projects.v1alpha.Projects</c>, the service-token rpcs. Bound by hand like <see cref="AkkaAuthService"/>.</summary>
[BindServiceMethod(typeof(AkkaProjectsService), nameof(BindService))]
internal sealed class AkkaProjectsService(AkkaWorld world)
{
    public const string ServiceName = "kalix.projects.v1alpha.Projects";

    private static readonly Method<WireCreateTokenRequest, WireServiceTokenValue> CreateTokenMethod =
        new(MethodType.Unary, ServiceName, nameof(CreateToken), AkkaWireCodec.CreateTokenRequestMarshaller, AkkaWireCodec.ServiceTokenValueMarshaller);

    private static readonly Method<WireListTokensRequest, WireListTokensResponse> ListTokensMethod =
        new(MethodType.Unary, ServiceName, nameof(ListTokens), AkkaWireCodec.ListTokensRequestMarshaller, AkkaWireCodec.ListTokensResponseMarshaller);

    private static readonly Method<WireDeleteTokenRequest, Empty> DeleteTokenMethod =
        new(MethodType.Unary, ServiceName, nameof(DeleteToken), AkkaWireCodec.DeleteTokenRequestMarshaller, AkkaWireCodec.EmptyMarshaller);

    public static void BindService(ServiceBinderBase binder, AkkaProjectsService? service)
    {
        binder.AddMethod(CreateTokenMethod, service is null ? null : service.CreateToken);
        binder.AddMethod(ListTokensMethod, service is null ? null : service.ListTokens);
        binder.AddMethod(DeleteTokenMethod, service is null ? null : service.DeleteToken);
    }

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
