using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Providers.Upsun;

/// <summary>An API token resource. <see cref="Token"/> is set only in the create answer. Unknown fields (HAL <c>_links</c>) are ignored.</summary>
internal sealed record UpsunApiToken(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("last_used_at")] DateTimeOffset? LastUsedAt)
{
    // The token value is the secret: never part of the printed form.
    public override string ToString() => $"UpsunApiToken {{ Id = {Id}, Name = {Name}, CreatedAt = {CreatedAt:o} }}";
}
