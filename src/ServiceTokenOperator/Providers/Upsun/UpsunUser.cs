using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Providers.Upsun;

/// <summary>The answer of <c>GET /users/me</c>, as far as the provider needs it.</summary>
internal sealed record UpsunUser(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("username")] string? Username);
