namespace ServiceTokenOperator.Providers.Upsun;

/// <summary>An access token from the auth server and when to stop using it.</summary>
/// <param name="Value">The JWT: a credential, never printed.</param>
/// <param name="ExpiresAt">When the auth server says it expires.</param>
/// <param name="RefreshAt">When to exchange again, a margin before <paramref name="ExpiresAt"/>.</param>
internal sealed record UpsunAccessToken(string Value, DateTimeOffset ExpiresAt, DateTimeOffset RefreshAt)
{
    public override string ToString() => $"UpsunAccessToken {{ ExpiresAt = {ExpiresAt:o}, RefreshAt = {RefreshAt:o} }}";
}
