using System.Runtime.CompilerServices;
using ServiceTokenOperator.Api.V1Alpha1;

namespace ServiceTokenOperator.Providers.Upsun;

/// <summary>
/// The API tokens of one Upsun or Platform.sh machine user. Lives as long as the issuer it serves, so the
/// access-token cache (in <see cref="UpsunAuthClient"/>) and the discovered user id are shared by all its calls.
/// </summary>
internal sealed class UpsunProvider(
    UpsunBrand brand,
    string issuerKey,
    string? configuredUserId,
    UpsunApiClient api,
    UpsunAuthClient auth,
    ILogger logger) : ITokenProvider
{
    private string? _userId = string.IsNullOrWhiteSpace(configuredUserId) ? null : configuredUserId.Trim();

    public async Task CheckCredentialAsync(CancellationToken cancellationToken)
    {
        // The exchange proves the API token, /users/me proves the API accepts it, the list proves it may manage
        // the user's tokens (a configured userId of someone else answers 403).
        var me = await api.GetCurrentUserAsync(cancellationToken);
        _userId ??= me.Id;
        await api.ListTokensAsync(_userId, cancellationToken);
    }

    public async Task<IssuedToken> CreateAsync(TokenRequest request, CancellationToken cancellationToken)
    {
        var created = await api.CreateTokenAsync(await UserIdAsync(cancellationToken), request.Name, cancellationToken);
        logger.TokenCreated(brand.Name, created.Id, request.Name, issuerKey);
        var values = new SecretValues(new Dictionary<string, string> { [brand.TokenKey] = created.Token! }) { TokenKey = brand.TokenKey };
        // Upsun API tokens do not expire.
        return new IssuedToken(created.Id, created.Name ?? request.Name, values, created.CreatedAt, ExpiresAt: null);
    }

    public async Task VerifyAsync(IssuedToken token, CancellationToken cancellationToken)
    {
        try
        {
            await auth.ExchangeAsync(token.Values[brand.TokenKey], $"the new API token {token.TokenId}", cancellationToken);
        }
        catch (VendorException e) when (e.Kind == VendorErrorKind.CredentialRejected)
        {
            // The admin credential is fine (it just created the token): a new token the auth server does not
            // know yet is most likely not replicated yet, so waiting can help.
            throw new VendorException(VendorErrorKind.Unavailable, e.Message, inner: e);
        }
    }

    /// <summary>Upsun API tokens carry no grants of their own (they act as their user): there is nothing to change in place.</summary>
    public Task<bool> UpdateGrantsAsync(string tokenId, ServiceTokenSpec spec, CancellationToken cancellationToken) => Task.FromResult(false);

    public async Task RevokeAsync(string tokenId, CancellationToken cancellationToken)
    {
        if (await api.DeleteTokenAsync(await UserIdAsync(cancellationToken), tokenId, cancellationToken))
        {
            logger.TokenRevoked(brand.Name, tokenId, issuerKey);
        }
        else
        {
            logger.TokenAlreadyGone(brand.Name, tokenId, issuerKey);
        }
    }

    public async IAsyncEnumerable<VendorToken> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // One bare array, no paging.
        foreach (var token in await api.ListTokensAsync(await UserIdAsync(cancellationToken), cancellationToken))
        {
            yield return new VendorToken(token.Id, token.Name, token.CreatedAt);
        }
    }

    private async Task<string> UserIdAsync(CancellationToken cancellationToken)
    {
        if (_userId is { } known) return known;
        // Concurrent first calls may both ask; the answer is the same, so no lock.
        var me = await api.GetCurrentUserAsync(cancellationToken);
        _userId = me.Id;
        logger.UserDiscovered(brand.Name, issuerKey, me.Id);
        return me.Id;
    }
}
