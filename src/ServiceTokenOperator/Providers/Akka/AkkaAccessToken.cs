namespace ServiceTokenOperator.Providers.Akka;

/// <summary>A cached access token and when to renew it.</summary>
internal sealed record AkkaAccessToken(string Token, DateTimeOffset RenewAt)
{
    // Token is a credential.
    public override string ToString() => $"AkkaAccessToken {{ RenewAt = {RenewAt:O} }}";
}
