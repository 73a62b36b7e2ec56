using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
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
    public static ServiceTokenStatus Copy(ServiceTokenStatus? status) => CopyOf(status, StatusJsonContext.Default.ServiceTokenStatus);

    public static TokenIssuerStatus Copy(TokenIssuerStatus? status) => CopyOf(status, StatusJsonContext.Default.TokenIssuerStatus);

    /// <summary>True when both serialize to the same JSON (null only equals null).</summary>
    public static bool Same(ServiceTokenStatus? a, ServiceTokenStatus? b) => SameJson(a, b, StatusJsonContext.Default.ServiceTokenStatus);

    /// <inheritdoc cref="Same(ServiceTokenStatus?, ServiceTokenStatus?)"/>
    public static bool Same(TokenIssuerStatus? a, TokenIssuerStatus? b) => SameJson(a, b, StatusJsonContext.Default.TokenIssuerStatus);

    private static T CopyOf<T>(T? status, JsonTypeInfo<T?> json) where T : class, new() =>
        status is null ? new T() : JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(status, json), json)!;

    private static bool SameJson<T>(T? a, T? b, JsonTypeInfo<T?> json) where T : class =>
        JsonSerializer.SerializeToUtf8Bytes(a, json).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(b, json));
}

[JsonSerializable(typeof(ServiceTokenStatus))]
[JsonSerializable(typeof(TokenIssuerStatus))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
