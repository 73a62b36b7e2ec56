using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace ServiceTokenOperator.Sandbox.Vendors.Akka;

/// <summary><c>kalix.auth.v1alpha.Auth</c>; its rpcs are bound by <see cref="AkkaGrpcMethodProvider"/>.</summary>
internal sealed class AkkaAuthService(AkkaWorld world)
{
    public const string ServiceName = "kalix.auth.v1alpha.Auth";

    // The request message CreateAccessTokenRequest is empty, so Empty's parser reads it (skipping unknown fields).
    public async Task<WireAccessToken> CreateAccessToken(Empty request, ServerCallContext context)
    {
        await world.AdmitAsync(context);
        return world.CreateAccessToken(context);
    }
}
