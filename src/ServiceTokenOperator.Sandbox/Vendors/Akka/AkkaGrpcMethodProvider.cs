using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace ServiceTokenOperator.Sandbox.Vendors.Akka;

/// <summary>
/// Binds the simulator's rpcs by hand (see <see cref="AkkaWireCodec"/> for why there is no generated server):
/// Grpc.AspNetCore asks each <see cref="IServiceMethodProvider{TService}"/> for the methods of a mapped service.
/// </summary>
internal sealed class AkkaGrpcMethodProvider : IServiceMethodProvider<AkkaAuthService>, IServiceMethodProvider<AkkaProjectsService>
{
    private static readonly Method<Empty, WireAccessToken> CreateAccessTokenMethod =
        new(MethodType.Unary, AkkaAuthService.ServiceName, "CreateAccessToken", AkkaWireCodec.EmptyMarshaller, AkkaWireCodec.AccessTokenMarshaller);

    private static readonly Method<WireCreateTokenRequest, WireServiceTokenValue> CreateTokenMethod =
        new(MethodType.Unary, AkkaProjectsService.ServiceName, "CreateToken", AkkaWireCodec.CreateTokenRequestMarshaller, AkkaWireCodec.ServiceTokenValueMarshaller);

    private static readonly Method<WireListTokensRequest, WireListTokensResponse> ListTokensMethod =
        new(MethodType.Unary, AkkaProjectsService.ServiceName, "ListTokens", AkkaWireCodec.ListTokensRequestMarshaller, AkkaWireCodec.ListTokensResponseMarshaller);

    private static readonly Method<WireDeleteTokenRequest, Empty> DeleteTokenMethod =
        new(MethodType.Unary, AkkaProjectsService.ServiceName, "DeleteToken", AkkaWireCodec.DeleteTokenRequestMarshaller, AkkaWireCodec.EmptyMarshaller);

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<AkkaAuthService> context) =>
        context.AddUnaryMethod(CreateAccessTokenMethod, [], (service, request, call) => service.CreateAccessToken(request, call));

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<AkkaProjectsService> context)
    {
        context.AddUnaryMethod(CreateTokenMethod, [], (service, request, call) => service.CreateToken(request, call));
        context.AddUnaryMethod(ListTokensMethod, [], (service, request, call) => service.ListTokens(request, call));
        context.AddUnaryMethod(DeleteTokenMethod, [], (service, request, call) => service.DeleteToken(request, call));
    }
}
