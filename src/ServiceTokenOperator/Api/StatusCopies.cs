using System.Text.Json;
using System.Text.Json.Serialization;
using ServiceTokenOperator.Api.V1Alpha1;

namespace ServiceTokenOperator.Api;

/// <summary>
/// Deep copies and comparisons of the status types, through their JSON: the status a reconcile builds starts as a copy
/// of the cached one (which must stay untouched), and is written only when its JSON differs. The JSON is the same as
/// the API stores, so a field added to a status type is copied and compared without a change here.
/// </summary>
/// <remarks>
/// Source-generated (<see cref="StatusJsonContext"/>) rather than reflection: the reflection serializer builds each
/// type's metadata on first use and emits an accessor per property, and those were ≈ 45 methods JIT-compiled in the
/// first reconciles of a restarted operator (issue 9), while the generated code is plain methods.
/// </remarks>
internal static class StatusCopies
{
    public static ServiceTokenStatus Copy(ServiceTokenStatus? status) =>
        status is null ? new ServiceTokenStatus() : JsonSerializer.Deserialize(Json(status), StatusJsonContext.Default.ServiceTokenStatus)!;

    public static TokenIssuerStatus Copy(TokenIssuerStatus? status) =>
        status is null ? new TokenIssuerStatus() : JsonSerializer.Deserialize(Json(status), StatusJsonContext.Default.TokenIssuerStatus)!;

    /// <summary>True when both serialize to the same JSON (null only equals null).</summary>
    public static bool Same(ServiceTokenStatus? a, ServiceTokenStatus? b) => Json(a).AsSpan().SequenceEqual(Json(b));

    /// <inheritdoc cref="Same(ServiceTokenStatus?, ServiceTokenStatus?)"/>
    public static bool Same(TokenIssuerStatus? a, TokenIssuerStatus? b) => Json(a).AsSpan().SequenceEqual(Json(b));

    private static byte[] Json(ServiceTokenStatus? status) => JsonSerializer.SerializeToUtf8Bytes(status, StatusJsonContext.Default.ServiceTokenStatus);

    private static byte[] Json(TokenIssuerStatus? status) => JsonSerializer.SerializeToUtf8Bytes(status, StatusJsonContext.Default.TokenIssuerStatus);
}

[JsonSerializable(typeof(ServiceTokenStatus))]
[JsonSerializable(typeof(TokenIssuerStatus))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
