using System.Runtime.CompilerServices;
using ServiceTokenOperator.Akka.Grpc.Projects;
using ServiceTokenOperator.Api.V1Alpha1;

namespace ServiceTokenOperator.Providers.Akka;

/// <summary>Project service tokens of one Akka project, managed with a project admin's refresh token.</summary>
internal sealed class AkkaProvider(AkkaApiClient client, string issuerKey, string project, TimeProvider time, ILogger<AkkaProvider> logger)
    : ITokenProvider, IDisposable
{
    // Pages as large as the API is likely to serve; the simulator caps at 100 like common Google-style APIs.
    private const int ListPageSize = 100;

    public const string PermissionDeniedMessage = "AKKA_TOKEN must belong to a project admin; project service tokens cannot manage tokens";

    private string Parent => "projects/" + project;

    public async Task CheckCredentialAsync(CancellationToken cancellationToken)
    {
        try
        {
            await client.GetAccessTokenAsync(cancellationToken);
            await client.ListTokensAsync(new ListTokensRequest { Parent = Parent, PageSize = 1 }, cancellationToken);
        }
        catch (VendorException e) when (e.Kind == VendorErrorKind.PermissionDenied)
        {
            throw new VendorException(VendorErrorKind.PermissionDenied, PermissionDeniedMessage, inner: e);
        }
    }

    public async Task<IssuedToken> CreateAsync(TokenRequest request, CancellationToken cancellationToken)
    {
        var create = new CreateTokenRequest { Parent = Parent, Description = request.Name };
        create.Scopes.AddRange(AkkaScopes.Map(request.Spec.Akka?.Scopes));
        var answer = await client.CreateTokenAsync(create, cancellationToken);
        var tokenId = TokenIdOf(answer.Token?.Name);
        if (tokenId.Length == 0 || answer.Value.Length == 0)
        {
            throw new VendorException(VendorErrorKind.Unavailable, "Akka CreateToken answered without a token name or value");
        }

        logger.TokenCreated(tokenId, project, issuerKey);
        var values = new SecretValues(new Dictionary<string, string>
        {
            [AkkaVendor.TokenKey] = answer.Value,
            [AkkaVendor.ProjectKey] = project,
        })
        {
            TokenKey = AkkaVendor.TokenKey,
        };
        return new IssuedToken(
            tokenId,
            answer.Token!.Description,
            values,
            answer.Token.CreatedTime?.ToDateTimeOffset() ?? time.GetUtcNow(),
            answer.Token.ExpireTime?.ToDateTimeOffset());
    }

    public async Task VerifyAsync(IssuedToken token, CancellationToken cancellationToken)
    {
        try
        {
            await client.CreateAccessTokenAsync(token.Values[AkkaVendor.TokenKey], cancellationToken);
        }
        catch (VendorException e) when (e.Kind == VendorErrorKind.CredentialRejected)
        {
            // Not the admin credential at fault: say whose token failed.
            throw new VendorException(VendorErrorKind.CredentialRejected, $"Akka rejected the new service token {token.TokenId} in CreateAccessToken", inner: e);
        }
    }

    /// <summary>Akka has no call that changes a token's scopes (CreateToken, ListTokens, DeleteToken only): a new token it is.</summary>
    public Task<bool> UpdateGrantsAsync(string tokenId, ServiceTokenSpec spec, CancellationToken cancellationToken) => Task.FromResult(false);

    public async Task RevokeAsync(string tokenId, CancellationToken cancellationToken)
    {
        try
        {
            await client.DeleteTokenAsync(new DeleteTokenRequest { Name = $"{Parent}/tokens/{tokenId}" }, cancellationToken);
            logger.TokenRevoked(tokenId, project, issuerKey);
        }
        catch (VendorException e) when (e.Kind == VendorErrorKind.NotFound)
        {
            // Already gone counts as revoked (vendor-contracts.md: NOT_FOUND on delete is "treat as revoked").
            logger.TokenAlreadyGone(tokenId, project);
        }
    }

    public async IAsyncEnumerable<VendorToken> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pageToken = "";
        do
        {
            var page = await client.ListTokensAsync(new ListTokensRequest { Parent = Parent, PageSize = ListPageSize, PageToken = pageToken }, cancellationToken);
            foreach (var token in page.Tokens)
            {
                // Without created_time, "now" keeps the orphan sweep's safety window from treating the token as old.
                yield return new VendorToken(TokenIdOf(token.Name), token.Description, token.CreatedTime?.ToDateTimeOffset() ?? time.GetUtcNow());
            }

            // A server repeating its page token would otherwise loop forever.
            if (page.NextPageToken.Length > 0 && page.NextPageToken == pageToken)
            {
                throw new VendorException(VendorErrorKind.Unavailable, "Akka ListTokens answered the same next_page_token twice");
            }

            pageToken = page.NextPageToken;
        }
        while (pageToken.Length > 0);
    }

    public void Dispose() => client.Dispose();

    // "projects/<p>/tokens/<uuid>" → "<uuid>".
    private static string TokenIdOf(string? name) => name is null ? "" : name[(name.LastIndexOf('/') + 1)..];
}
