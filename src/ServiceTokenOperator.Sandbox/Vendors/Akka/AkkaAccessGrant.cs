namespace ServiceTokenOperator.Sandbox.Vendors.Akka;

/// <summary>An access token the simulator issued, and what it allows.</summary>
/// <param name="MayManageTokens">True only for a project admin's user refresh token; never for a project service token.</param>
internal sealed record AkkaAccessGrant(string Token, string Subject, bool MayManageTokens, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, IReadOnlyList<int> Scopes)
{
    // Token is a credential.
    public override string ToString() => $"AkkaAccessGrant {{ Subject = {Subject}, ExpiresAt = {ExpiresAt:O} }}";
}
