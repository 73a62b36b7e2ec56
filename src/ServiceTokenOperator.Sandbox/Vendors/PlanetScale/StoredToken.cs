namespace ServiceTokenOperator.Sandbox.Vendors.PlanetScale;

/// <summary>A service token as the simulator keeps it. Mutated only under the store's lock.</summary>
internal sealed class StoredToken(string id, string secret, string? name, DateTimeOffset createdAt, DateTimeOffset? expiresAt, bool issuedThroughApi)
{
    public string Id { get; } = id;
    public string Secret { get; } = secret;
    public string? Name { get; } = name;
    public DateTimeOffset CreatedAt { get; } = createdAt;
    public DateTimeOffset UpdatedAt { get; set; } = createdAt;
    public DateTimeOffset? ExpiresAt { get; } = expiresAt;
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }

    /// <summary>False for the seeded credentials (admin, test helpers), which /_sandbox/tokens leaves out.</summary>
    public bool IssuedThroughApi { get; } = issuedThroughApi;

    public List<StoredAccess> Accesses { get; } = [];

    public bool IsLive(DateTimeOffset now) => DeletedAt is null && (ExpiresAt is null || ExpiresAt > now);

    public bool HasOrganizationAccess(string access) =>
        Accesses.Exists(a => a.Database is null && string.Equals(a.Access, access, StringComparison.Ordinal));
}
