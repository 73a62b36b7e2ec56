using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace ServiceTokenOperator.Sandbox.Vendors.Akka;

/// <summary>
/// <c>kalix.auth.v1alpha.Auth</c>. Bound by hand (see <see cref="AkkaWireCodec"/>): Grpc.AspNetCore finds
/// <see cref="BindService"/> through the attribute and calls the public method named like each rpc.
/// </summary>
[BindServiceMethod(typeof(AkkaAuthService), nameof(BindService))]
internal sealed class AkkaAuthService(AkkaWorld world)
{
    public const string ServiceName = "kalix.auth.v1alpha.Auth";

    // The request message CreateAccessTokenRequest is empty, so Empty's parser reads it (skipping unknown fields).
    private static readonly Method<Empty, WireAccessToken> CreateAccessTokenMethod =
        new(MethodType.Unary, ServiceName, nameof(CreateAccessToken), AkkaWireCodec.EmptyMarshaller, AkkaWireCodec.AccessTokenMarshaller);

    public static void BindService(ServiceBinderBase binder, AkkaAuthService? service) =>
        binder.AddMethod(CreateAccessTokenMethod, service is null ? null : service.CreateAccessToken);

    public async Task<WireAccessToken> CreateAccessToken(Empty request, ServerCallContext context)
    {
        await world.AdmitAsync(context);
        return world.CreateAccessToken(context);
    }
}
