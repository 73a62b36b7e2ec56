using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using ServiceTokenOperator.Akka.Grpc.Auth;
using ServiceTokenOperator.Akka.Grpc.Projects;

namespace ServiceTokenOperator.Providers.Akka;

/// <summary>
/// The Akka Platform API of one issuer: a gRPC channel, the admin refresh token's access token (cached, renewed
/// before <c>expire_time</c>, thread-safe) and a timeout on every call. Failures are <see cref="VendorException"/>s.
/// </summary>
internal sealed class AkkaApiClient : IDisposable
{
    public const string CreateAccessTokenRpc = "CreateAccessToken";

    // Renew this long before expire_time at most, and at most a fifth of the token's lifetime before it.
    private static readonly TimeSpan RenewMargin = TimeSpan.FromMinutes(1);

    // When an answer has no expire_time, reuse the access token only this long.
    private static readonly TimeSpan AssumedLifetime = TimeSpan.FromMinutes(5);

    private readonly GrpcChannel _channel;
    private readonly Auth.AuthClient _auth;
    private readonly Projects.ProjectsClient _projects;
    private readonly string _issuerKey;
    private readonly string _refreshToken;
    private readonly TimeProvider _time;
    private readonly TimeSpan _callTimeout;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _renewGate = new(1, 1);
    private volatile AkkaAccessToken? _access;
    private int _disposed;

    public AkkaApiClient(Uri address, string issuerKey, string refreshToken, TimeProvider time, TimeSpan callTimeout, ILogger logger)
    {
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            // The reconcile's cancellation surfaces as OperationCanceledException, not as a CANCELLED status.
            ThrowOperationCanceledOnCancellation = true,
            HttpHandler = new SocketsHttpHandler
            {
                ConnectTimeout = callTimeout,
                EnableMultipleHttp2Connections = true,
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
            },
            DisposeHttpClient = true,
        });
        _auth = new Auth.AuthClient(_channel);
        _projects = new Projects.ProjectsClient(_channel);
        _issuerKey = issuerKey;
        _refreshToken = refreshToken;
        _time = time;
        _callTimeout = callTimeout;
        _logger = logger;
    }

    /// <summary>Exchanges any long-lived token (the admin's, or a new service token's) for an access token.</summary>
    public Task<AccessToken> CreateAccessTokenAsync(string longLivedToken, CancellationToken cancellationToken) =>
        MapAsync(CreateAccessTokenRpc, () => RawAsync(t => _auth.CreateAccessTokenAsync(new CreateAccessTokenRequest(), Bearer(longLivedToken), cancellationToken: t).ResponseAsync, CreateAccessTokenRpc, cancellationToken));

    public Task<ServiceTokenValue> CreateTokenAsync(CreateTokenRequest request, CancellationToken cancellationToken) =>
        CallAsync(nameof(Projects.ProjectsClient.CreateToken), (headers, t) => _projects.CreateTokenAsync(request, headers, cancellationToken: t).ResponseAsync, cancellationToken);

    public Task<ListTokensResponse> ListTokensAsync(ListTokensRequest request, CancellationToken cancellationToken) =>
        CallAsync(nameof(Projects.ProjectsClient.ListTokens), (headers, t) => _projects.ListTokensAsync(request, headers, cancellationToken: t).ResponseAsync, cancellationToken);

    public Task<Empty> DeleteTokenAsync(DeleteTokenRequest request, CancellationToken cancellationToken) =>
        CallAsync(nameof(Projects.ProjectsClient.DeleteToken), (headers, t) => _projects.DeleteTokenAsync(request, headers, cancellationToken: t).ResponseAsync, cancellationToken);

    /// <summary>A valid access token of the admin refresh token, from the cache when it is not due for renewal.</summary>
    public Task<string> GetAccessTokenAsync(CancellationToken cancellationToken) => GetAccessTokenAsync(rejected: null, cancellationToken);

    /// <param name="rejected">An access token the server just refused: never handed out again.</param>
    private async Task<string> GetAccessTokenAsync(string? rejected, CancellationToken cancellationToken)
    {
        if (Usable(_access, rejected) is { } cached) return cached;
        await _renewGate.WaitAsync(cancellationToken);
        try
        {
            // Another caller may have renewed it while this one waited.
            if (Usable(_access, rejected) is { } renewed) return renewed;
            var answer = await CreateAccessTokenAsync(_refreshToken, cancellationToken);
            var now = _time.GetUtcNow();
            var expiresAt = answer.ExpireTime?.ToDateTimeOffset();
            var createdAt = answer.CreatedTime?.ToDateTimeOffset() ?? now;
            DateTimeOffset renewAt;
            if (expiresAt is { } expiry)
            {
                var margin = TimeSpan.FromTicks(Math.Min(RenewMargin.Ticks, Math.Max(0, (expiry - createdAt).Ticks / 5)));
                renewAt = expiry - margin;
            }
            else
            {
                renewAt = now + AssumedLifetime;
            }

            _access = new AkkaAccessToken(answer.Token, renewAt);
            _logger.AccessTokenRenewed(_issuerKey, expiresAt);
            return answer.Token;
        }
        finally
        {
            _renewGate.Release();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _channel.Dispose();
    }

    private string? Usable(AkkaAccessToken? access, string? rejected) =>
        access is not null && access.Token != rejected && _time.GetUtcNow() < access.RenewAt ? access.Token : null;

    /// <summary>A Projects call with the admin's access token; an UNAUTHENTICATED answer renews it and retries once.</summary>
    private Task<T> CallAsync<T>(string rpc, Func<Metadata, CancellationToken, Task<T>> call, CancellationToken cancellationToken) => MapAsync(rpc, async () =>
    {
        var access = await GetAccessTokenAsync(cancellationToken);
        try
        {
            return await RawAsync(t => call(Bearer(access), t), rpc, cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated)
        {
            // The access token may have expired early or been revoked server-side; a fresh one settles whether
            // the refresh token itself still works.
            _logger.AccessTokenRejected(rpc, _issuerKey);
            access = await GetAccessTokenAsync(rejected: access, cancellationToken);
            return await RawAsync(t => call(Bearer(access), t), rpc, cancellationToken);
        }
    });

    private static async Task<T> MapAsync<T>(string rpc, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RpcException e)
        {
            throw AkkaErrors.Map(rpc, e);
        }
    }

    /// <summary>
    /// One attempt with the call timeout. The timeout is a timer rather than a gRPC deadline: a deadline is an
    /// absolute wall-clock time, which the injected TimeProvider cannot supply consistently with gRPC's own clock.
    /// </summary>
    private async Task<T> RawAsync<T>(Func<CancellationToken, Task<T>> call, string rpc, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_callTimeout);
        try
        {
            return await call(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw AkkaErrors.Timeout(rpc, _callTimeout);
        }
    }

    private static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };
}
