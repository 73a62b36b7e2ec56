using System.Runtime.CompilerServices;
using ServiceTokenOperator.Api.V1Alpha1;

namespace ServiceTokenOperator.Providers.PlanetScale;

/// <summary>One PlanetScale organization, managed with its admin service token.</summary>
internal sealed class PlanetScaleProvider(PlanetScaleApiClient client, ILogger<PlanetScaleProvider> logger) : ITokenProvider
{
    // resource_type of an access held on a database (the others are on the organization).
    private const string DatabaseResource = "Database";

    // Cleanup after a failed grant must outlive a cancelled reconcile, or the token it removes would linger.
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(30);

    private string Organization => client.Connection.Organization;

    public async Task CheckCredentialAsync(CancellationToken cancellationToken)
    {
        try
        {
            await client.ListServiceTokensAsync(1, 1, cancellationToken);
        }
        catch (VendorException e) when (e.Kind == VendorErrorKind.NotFound)
        {
            throw LacksRead(e);
        }
    }

    public async Task<IssuedToken> CreateAsync(TokenRequest request, CancellationToken cancellationToken)
    {
        var spec = request.Spec.PlanetScale;
        long? ttlSeconds = null;
        if (spec?.Ttl is { } ttl)
        {
            ttlSeconds = PlanetScaleVendor.TtlSeconds(ttl)
                ?? throw new VendorException(VendorErrorKind.InvalidRequest, "spec.planetscale.ttl is not a positive duration of at least 1s.");
        }

        var created = await client.CreateServiceTokenAsync(request.Name, ttlSeconds, cancellationToken);
        try
        {
            if (string.IsNullOrEmpty(created.Token))
            {
                throw new VendorException(VendorErrorKind.Unavailable, $"PlanetScale created service token {created.Id} but its answer held no token value.");
            }

            foreach (var (database, accesses) in GroupAccesses(spec?.Accesses))
            {
                try
                {
                    await client.AddAccessAsync(created.Id, database, accesses, cancellationToken);
                }
                catch (VendorException e) when (e.Kind == VendorErrorKind.NotFound)
                {
                    // The token exists (just created), so the 404 names the database: a spec mistake, not a lost token.
                    throw new VendorException(
                        VendorErrorKind.InvalidRequest,
                        $"PlanetScale has no database {database} in organization {Organization} that service token " +
                        $"{client.Connection.TokenId} may see (spec.planetscale.accesses): {e.Message}",
                        inner: e);
                }

                logger.AccessGranted(created.Id, database, accesses);
            }
        }
        catch (Exception e) when (e is VendorException or OperationCanceledException)
        {
            logger.GrantFailedRevoking(created.Id);
            await RevokeAfterFailureAsync(created.Id);
            throw;
        }

        logger.TokenCreated(created.Id, created.Name ?? request.Name, Organization);
        var values = new SecretValues(new Dictionary<string, string>
        {
            [PlanetScaleDefaults.TokenIdKey] = created.Id,
            [PlanetScaleDefaults.TokenKey] = created.Token,
            [PlanetScaleDefaults.OrganizationKey] = Organization,
        })
        {
            TokenKey = PlanetScaleDefaults.TokenKey,
        };
        return new IssuedToken(created.Id, created.Name ?? request.Name, values, created.CreatedAt, created.ExpiresAt);
    }

    /// <summary>
    /// No-op: PlanetScale has no call that proves a token's value works unless the token holds an organization
    /// access such as read_service_tokens, and tokens made for databases hold none. Each grant was confirmed by
    /// its own 200 during <see cref="CreateAsync"/>, and a GET by id with the admin credential would only repeat that.
    /// </summary>
    public Task VerifyAsync(IssuedToken token, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Applies the difference between the token's database grants and the spec's: new grants are added before old
    /// ones are removed, so that a workload never loses, even for a moment, an access it keeps. Organization accesses
    /// are left alone: the operator never grants them. False when the token no longer exists (a new one must be issued).
    /// </summary>
    public async Task<bool> UpdateGrantsAsync(string tokenId, ServiceTokenSpec spec, CancellationToken cancellationToken)
    {
        PlanetScaleList<PlanetScaleServiceTokenAccess> current;
        try
        {
            current = await client.GetAccessAsync(tokenId, cancellationToken);
        }
        catch (VendorException e) when (e.Kind == VendorErrorKind.NotFound)
        {
            // Gone (deleted by hand), or no read access: ExistsAsync tells them apart or throws PermissionDenied.
            if (!await ExistsAsync(tokenId, cancellationToken)) return false;
            throw new VendorException(
                VendorErrorKind.PermissionDenied,
                $"PlanetScale refused to show the accesses of service token {tokenId} (404) although it exists: service token " +
                $"{client.Connection.TokenId} needs the organization access read_service_tokens in {Organization}.",
                inner: e);
        }

        var held = (current.Data ?? [])
            .Where(a => a.ResourceType == DatabaseResource && a.ResourceName is not null)
            .Select(a => (Database: a.ResourceName!, a.Access))
            .ToHashSet();
        var wanted = GroupAccesses(spec.PlanetScale?.Accesses)
            .SelectMany(g => g.Accesses.Select(access => (g.Database, Access: access)))
            .ToHashSet();

        foreach (var (database, accesses) in ByDatabase(wanted.Except(held)))
        {
            try
            {
                await client.AddAccessAsync(tokenId, database, accesses, cancellationToken);
            }
            catch (VendorException e) when (e.Kind == VendorErrorKind.NotFound)
            {
                if (!await ExistsAsync(tokenId, cancellationToken)) return false;
                // The token exists, so the 404 names the database, or the admin may not write grants. Nothing was removed yet.
                throw new VendorException(
                    VendorErrorKind.InvalidRequest,
                    $"PlanetScale has no database {database} in organization {Organization} that service token " +
                    $"{client.Connection.TokenId} may see (spec.planetscale.accesses), or it lacks write_service_tokens: {e.Message}",
                    inner: e);
            }

            logger.AccessGranted(tokenId, database, accesses);
        }

        foreach (var (database, accesses) in ByDatabase(held.Except(wanted)))
        {
            try
            {
                await client.RemoveAccessAsync(tokenId, database, accesses, cancellationToken);
            }
            catch (VendorException e) when (e.Kind == VendorErrorKind.NotFound)
            {
                if (!await ExistsAsync(tokenId, cancellationToken)) return false;
                throw new VendorException(
                    VendorErrorKind.PermissionDenied,
                    $"PlanetScale refused to remove accesses on database {database} from service token {tokenId} (404): the database " +
                    $"may be gone, or service token {client.Connection.TokenId} lacks write_service_tokens in {Organization}.",
                    inner: e);
            }

            logger.AccessRemoved(tokenId, database, accesses);
        }

        return true;
    }

    public async Task RevokeAsync(string tokenId, CancellationToken cancellationToken)
    {
        try
        {
            await client.DeleteServiceTokenAsync(tokenId, cancellationToken);
            logger.TokenRevoked(tokenId, Organization);
            return;
        }
        catch (VendorException e) when (e.Kind == VendorErrorKind.NotFound)
        {
            // PlanetScale answers 404 both for a token that is gone and for a credential lacking
            // delete_service_tokens: tell them apart before calling the token revoked.
        }

        if (await ExistsAsync(tokenId, cancellationToken))
        {
            throw new VendorException(
                VendorErrorKind.PermissionDenied,
                $"PlanetScale refused to delete service token {tokenId} (404) although it exists: service token " +
                $"{client.Connection.TokenId} needs the organization access delete_service_tokens in {Organization}.");
        }

        logger.TokenAlreadyGone(tokenId, Organization);
    }

    public async IAsyncEnumerable<VendorToken> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var page = 1;
        while (true)
        {
            PlanetScaleList<PlanetScaleServiceToken> list;
            try
            {
                list = await client.ListServiceTokensAsync(page, PlanetScaleDefaults.ListPageSize, cancellationToken);
            }
            catch (VendorException e) when (e.Kind == VendorErrorKind.NotFound)
            {
                throw LacksRead(e);
            }

            foreach (var token in list.Data ?? [])
            {
                yield return new VendorToken(token.Id, token.Name, token.CreatedAt);
            }

            // A next_page that does not move forward would loop forever.
            if (list.NextPage is not { } next || next <= page) yield break;
            page = next;
        }
    }

    /// <summary>Whether the token still exists; 404 counts as gone only once a list proves the credential may read.</summary>
    private async Task<bool> ExistsAsync(string tokenId, CancellationToken cancellationToken)
    {
        try
        {
            await client.GetServiceTokenAsync(tokenId, cancellationToken);
            return true;
        }
        catch (VendorException e) when (e.Kind == VendorErrorKind.NotFound)
        {
            // Gone, or no read access: the list below decides.
        }

        try
        {
            await client.ListServiceTokensAsync(1, 1, cancellationToken);
            return false;
        }
        catch (VendorException e) when (e.Kind == VendorErrorKind.NotFound)
        {
            throw new VendorException(
                VendorErrorKind.PermissionDenied,
                $"PlanetScale answered 404 for service token {tokenId} and cannot confirm it is gone: service token " +
                $"{client.Connection.TokenId} needs read_service_tokens and delete_service_tokens in {Organization}.",
                inner: e);
        }
    }

    private async Task RevokeAfterFailureAsync(string tokenId)
    {
        using var timeout = new CancellationTokenSource(CleanupTimeout);
        try
        {
            await RevokeAsync(tokenId, timeout.Token);
        }
        catch (Exception e) when (e is VendorException or OperationCanceledException)
        {
            logger.CleanupRevokeFailed(tokenId, e);
        }
    }

    private VendorException LacksRead(VendorException e) => new(
        VendorErrorKind.PermissionDenied,
        $"PlanetScale answered 404 listing service tokens: organization {Organization} does not exist or service token " +
        $"{client.Connection.TokenId} lacks the organization access read_service_tokens ({e.Message})",
        inner: e);

    /// <summary>Single grants as one call per database, in a stable order.</summary>
    private static IEnumerable<(string Database, IReadOnlyList<string> Accesses)> ByDatabase(IEnumerable<(string Database, string Access)> grants) =>
        grants
            .GroupBy(g => g.Database, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<string>)g.Select(a => a.Access).Order(StringComparer.Ordinal).ToList()));

    /// <summary>One grant per database: repeated entries for a database are merged.</summary>
    private static IEnumerable<(string Database, IReadOnlyList<string> Accesses)> GroupAccesses(List<PlanetScaleAccess>? accesses) =>
        (accesses ?? [])
            .GroupBy(a => a.Database, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<string>)g.SelectMany(a => a.Permissions).Distinct(StringComparer.Ordinal).ToList()));
}
