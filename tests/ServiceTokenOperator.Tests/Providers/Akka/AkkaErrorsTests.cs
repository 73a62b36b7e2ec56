using Grpc.Core;
using ServiceTokenOperator.Providers;
using ServiceTokenOperator.Providers.Akka;

namespace ServiceTokenOperator.Tests.Providers.Akka;

public sealed class AkkaErrorsTests
{
    [Theory]
    [InlineData(StatusCode.Unauthenticated, VendorErrorKind.CredentialRejected, "UNAUTHENTICATED")]
    [InlineData(StatusCode.PermissionDenied, VendorErrorKind.PermissionDenied, "PERMISSION_DENIED")]
    [InlineData(StatusCode.NotFound, VendorErrorKind.NotFound, "NOT_FOUND")]
    [InlineData(StatusCode.InvalidArgument, VendorErrorKind.InvalidRequest, "INVALID_ARGUMENT")]
    [InlineData(StatusCode.ResourceExhausted, VendorErrorKind.RateLimited, "RESOURCE_EXHAUSTED")]
    [InlineData(StatusCode.Unavailable, VendorErrorKind.Unavailable, "UNAVAILABLE")]
    [InlineData(StatusCode.DeadlineExceeded, VendorErrorKind.Unavailable, "DEADLINE_EXCEEDED")]
    [InlineData(StatusCode.Internal, VendorErrorKind.Unavailable, "INTERNAL")]
    public void Map_StatusCode_KindAndWireNameInMessage(StatusCode code, object kind, string wireName)
    {
        // object: VendorErrorKind is internal, and public test methods cannot take it.
        var e = AkkaErrors.Map("ListTokens", new RpcException(new Status(code, "detail")));

        Assert.Equal((VendorErrorKind)kind, e.Kind);
        Assert.Equal($"Akka ListTokens failed with {wireName}: detail", e.Message);
    }

    [Fact]
    public void Map_ResourceExhaustedWithRetryAfterTrailer_CarriesRetryAfter()
    {
        var e = AkkaErrors.Map("CreateToken", new RpcException(new Status(StatusCode.ResourceExhausted, ""), new Metadata { { "retry-after", "12" } }));

        Assert.Equal(TimeSpan.FromSeconds(12), e.RetryAfter);
        Assert.Equal("Akka CreateToken failed with RESOURCE_EXHAUSTED", e.Message);
    }

    [Fact]
    public void Map_ResourceExhaustedWithoutTrailer_NoRetryAfter()
    {
        var e = AkkaErrors.Map("CreateToken", new RpcException(new Status(StatusCode.ResourceExhausted, "slow down")));

        Assert.Null(e.RetryAfter);
    }
}
