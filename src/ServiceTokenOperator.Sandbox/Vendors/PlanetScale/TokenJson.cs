namespace ServiceTokenOperator.Sandbox.Vendors.PlanetScale;

/// <summary>The token object of the contract.</summary>
internal sealed record TokenJson(
    string Id,
    string Type,
    string? Token,
    string? Name,
    string DisplayName,
    string CreatedAt,
    string UpdatedAt,
    string? ExpiresAt,
    string? LastUsedAt,
    string ActorId,
    string ActorDisplayName,
    string ActorType,
    string AvatarUrl,
    IReadOnlyList<AccessJson> ServiceTokenAccesses);
