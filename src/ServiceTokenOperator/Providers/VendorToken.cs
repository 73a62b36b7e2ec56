namespace ServiceTokenOperator.Providers;

/// <summary>A token as the vendor lists it: never its secret value.</summary>
internal sealed record VendorToken(string TokenId, string? Name, DateTimeOffset CreatedAt);
