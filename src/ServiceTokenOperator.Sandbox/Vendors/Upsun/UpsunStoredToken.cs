namespace ServiceTokenOperator.Sandbox.Vendors.Upsun;

/// <summary>One API token the simulator holds, revoked ones included (the inspection endpoint reports them).</summary>
internal sealed record UpsunStoredToken(
    string Id,
    string UserId,
    string Name,
    string Value,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt)
{
    public bool Live => RevokedAt is null;

    public override string ToString() => $"UpsunStoredToken {{ Id = {Id}, UserId = {UserId}, Name = {Name} }}";
}
