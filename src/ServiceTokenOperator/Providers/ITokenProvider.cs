using ServiceTokenOperator.Api.V1Alpha1;

namespace ServiceTokenOperator.Providers;

/// <summary>
/// The vendor API of one issuer account. Every call takes the reconcile's cancellation token and has its own
/// timeout; failures are <see cref="VendorException"/>s whose messages never contain a token value.
/// </summary>
internal interface ITokenProvider
{
    /// <summary>Proves the admin credential works and may manage tokens.</summary>
    Task CheckCredentialAsync(CancellationToken cancellationToken);

    /// <summary>Creates a token. The only call that sees the secret value.</summary>
    Task<IssuedToken> CreateAsync(TokenRequest request, CancellationToken cancellationToken);

    /// <summary>Proves a new token works where the vendor offers a cheap check; otherwise completes at once.</summary>
    Task VerifyAsync(IssuedToken token, CancellationToken cancellationToken);

    /// <summary>
    /// Gives an existing token the grants the spec asks for, without a new secret. False when the vendor cannot change
    /// a token's grants (or the token no longer exists there): the caller then issues a new token.
    /// </summary>
    Task<bool> UpdateGrantsAsync(string tokenId, ServiceTokenSpec spec, CancellationToken cancellationToken);

    /// <summary>Revokes a token. Idempotent: a token that is already gone counts as revoked.</summary>
    Task RevokeAsync(string tokenId, CancellationToken cancellationToken);

    /// <summary>Every token of the account (for the orphan sweep), without secret values.</summary>
    IAsyncEnumerable<VendorToken> ListAsync(CancellationToken cancellationToken);
}
