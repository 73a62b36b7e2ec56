namespace ServiceTokenOperator.Sandbox.Vendors.PlanetScale;

/// <summary>One granted access. <paramref name="Database"/> null: an organization access.</summary>
internal sealed record StoredAccess(string Id, string Access, string? Database);
