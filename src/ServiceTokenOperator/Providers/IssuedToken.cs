namespace ServiceTokenOperator.Providers;

/// <summary>A newly created token.</summary>
/// <param name="TokenId">Vendor id, safe to log and to store in status.</param>
/// <param name="Name">Vendor-side name.</param>
/// <param name="Values">The Secret's default keys (the vendor's documented variable names) and their values.</param>
/// <param name="CreatedAt">Vendor creation time.</param>
/// <param name="ExpiresAt">Vendor-side expiry, if any.</param>
internal sealed record IssuedToken(string TokenId, string Name, SecretValues Values, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);
