using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Sandbox.Vendors;

/// <summary>One token a simulator ever issued, as <c>GET /_sandbox/tokens</c> reports it (design.md §5).</summary>
public sealed record SandboxTokenRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("live")] bool Live,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("revokedAt")] DateTimeOffset? RevokedAt);
