using System.Globalization;
using Grpc.Core;

namespace ServiceTokenOperator.Providers.Akka;

/// <summary>gRPC status codes to <see cref="VendorException"/>s. Messages carry the rpc and status, never credentials.</summary>
internal static class AkkaErrors
{
    public static VendorException Map(string rpc, RpcException e)
    {
        var kind = e.StatusCode switch
        {
            StatusCode.Unauthenticated => VendorErrorKind.CredentialRejected,
            StatusCode.PermissionDenied => VendorErrorKind.PermissionDenied,
            StatusCode.NotFound => VendorErrorKind.NotFound,
            StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange
                or StatusCode.Unimplemented => VendorErrorKind.InvalidRequest,
            StatusCode.AlreadyExists => VendorErrorKind.AlreadyExists,
            StatusCode.ResourceExhausted => VendorErrorKind.RateLimited,
            // UNAVAILABLE, DEADLINE_EXCEEDED, and the server-side failures (UNKNOWN, INTERNAL, ABORTED, ...) may pass.
            _ => VendorErrorKind.Unavailable,
        };
        var detail = string.IsNullOrWhiteSpace(e.Status.Detail) ? "" : ": " + e.Status.Detail;
        return new VendorException(kind, $"Akka {rpc} failed with {ToWireName(e.StatusCode)}{detail}", RetryAfterOf(e), e);
    }

    public static VendorException Timeout(string rpc, TimeSpan timeout) =>
        new(VendorErrorKind.Unavailable, $"Akka {rpc} failed with DEADLINE_EXCEEDED: no answer within {timeout.TotalSeconds:0.#} s");

    // Akka documents no Retry-After for gRPC; honour a retry-after trailer (seconds) when a server sends one.
    private static TimeSpan? RetryAfterOf(RpcException e) =>
        e.StatusCode == StatusCode.ResourceExhausted
        && int.TryParse(e.Trailers.GetValue("retry-after"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;

    // The names users find in gRPC documentation: PERMISSION_DENIED rather than PermissionDenied.
    private static string ToWireName(StatusCode code) => code switch
    {
        StatusCode.OK => "OK",
        _ => string.Concat(code.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant(),
    };
}
