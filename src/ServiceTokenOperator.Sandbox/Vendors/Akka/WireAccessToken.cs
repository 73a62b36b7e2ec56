namespace ServiceTokenOperator.Sandbox.Vendors.Akka;

/// <summary><c>kalix.auth.v1alpha.AccessToken</c>.</summary>
internal sealed record WireAccessToken(string Subject, string Token, DateTimeOffset CreatedTime, DateTimeOffset ExpireTime, IReadOnlyList<int> Scopes)
{
    // Token is a credential.
    public override string ToString() => $"WireAccessToken {{ Subject = {Subject}, ExpireTime = {ExpireTime:O} }}";
}
