using System.Security.Cryptography;
using System.Text;
using Grpc.Core;

namespace ServiceTokenOperator.Sandbox.Vendors.Akka;

/// <summary>
/// The state and rules of one simulated Akka project: users, access tokens and project service tokens.
/// Failures are <see cref="RpcException"/>s with the status codes of vendor-contracts.md. Thread-safe.
/// </summary>
/// <remarks>
/// Choices where the contract is silent: a parent or name of another project answers PERMISSION_DENIED (the
/// caller is no admin there; NOT_FOUND is kept for unknown tokens of the caller's own project); access tokens
/// already derived from a deleted service token stay valid until they expire, like other OAuth-style APIs;
/// scopes USER and ORGANIZATIONS are refused for service tokens, as the CLI does not offer them.
/// </remarks>
internal sealed class AkkaWorld
{
    public const string TokenValuePrefix = "cst4.";
    private const int MaxPageSize = 100;
    private const int AllScope = 0;

    // The scopes a project service token may carry: ALL, PROJECTS, EXECUTION, CONTAINER_REGISTRY.
    private static readonly HashSet<int> ServiceTokenScopes = [0, 1, 3, 5];

    private readonly Lock _gate = new();
    private readonly AkkaSimulatorOptions _options;
    private readonly RateLimitWindow _rateLimit;
    private readonly Dictionary<string, AkkaUser> _usersByRefreshToken = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AkkaAccessGrant> _grants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AkkaStoredToken> _tokensById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _tokenIdsByValue = new(StringComparer.Ordinal);
    private long _requestCount;

    public AkkaWorld(AkkaSimulatorOptions options, FaultPlan faults)
    {
        _options = options;
        Faults = faults;
        Project = Guid.NewGuid().ToString();
        _rateLimit = new RateLimitWindow(options.Time, () => faults.Settings.RateLimitPerMinute > 0 ? faults.Settings.RateLimitPerMinute : options.RateLimitPerMinute);
        AdminRefreshToken = AddUser(projectAdmin: true);
    }

    public string Project { get; }

    public string AdminRefreshToken { get; }

    public FaultPlan Faults { get; }

    public long RequestCount => Interlocked.Read(ref _requestCount);

    private string Parent => "projects/" + Project;

    public string AddUser(bool projectAdmin)
    {
        var refreshToken = "akka-rt." + RandomNumberGenerator.GetHexString(48, lowercase: true);
        lock (_gate) _usersByRefreshToken[refreshToken] = new AkkaUser("user-" + Guid.NewGuid().ToString("N")[..12], projectAdmin);
        return refreshToken;
    }

    /// <summary>Counts the request, applies injected faults, then the rate limit of its credential.</summary>
    public async Task AdmitAsync(ServerCallContext context)
    {
        Interlocked.Increment(ref _requestCount);
        var fault = Faults.Next();
        if (fault.Delay > TimeSpan.Zero) await Task.Delay(fault.Delay, context.CancellationToken);
        if (fault.Fails) throw FaultStatus(fault);
        var credential = BearerOf(context) ?? "anonymous";
        if (_rateLimit.TryAcquire(credential) is { } wait) throw RateLimited(wait);
    }

    public WireAccessToken CreateAccessToken(ServerCallContext context)
    {
        var bearer = BearerOf(context) ?? throw Unauthenticated("missing bearer token");
        var now = _options.Time.GetUtcNow();
        lock (_gate)
        {
            AkkaAccessGrant grant;
            if (_usersByRefreshToken.TryGetValue(bearer, out var user))
            {
                grant = NewGrant(user.Subject, user.ProjectAdmin, now, [AllScope]);
            }
            else if (_tokenIdsByValue.TryGetValue(bearer, out var tokenId) && _tokensById[tokenId] is { RevokedAt: null } token)
            {
                grant = NewGrant("service-token:" + token.Id, mayManageTokens: false, now, token.Scopes);
            }
            else
            {
                throw Unauthenticated("invalid token");
            }

            PruneExpiredGrants(now);
            _grants[grant.Token] = grant;
            return new WireAccessToken(grant.Subject, grant.Token, grant.CreatedAt, grant.ExpiresAt, grant.Scopes);
        }
    }

    public WireServiceTokenValue CreateToken(WireCreateTokenRequest request, ServerCallContext context)
    {
        Authorize(context, ParseParent(request.Parent));
        foreach (var scope in request.Scopes)
        {
            if (!ServiceTokenScopes.Contains(scope)) throw new RpcException(new Status(StatusCode.InvalidArgument, $"scope {scope} is not allowed for a project service token"));
        }

        var token = new AkkaStoredToken(
            Guid.NewGuid().ToString(),
            request.Description,
            TokenValuePrefix + RandomNumberGenerator.GetHexString(64, lowercase: true),
            _options.Time.GetUtcNow(),
            request.Scopes.Count == 0 ? [AllScope] : request.Scopes.Distinct().ToArray(),
            RevokedAt: null);
        lock (_gate)
        {
            _tokensById[token.Id] = token;
            _tokenIdsByValue[token.Value] = token.Id;
        }

        return new WireServiceTokenValue(ToWire(token), token.Value);
    }

    public WireListTokensResponse ListTokens(WireListTokensRequest request, ServerCallContext context)
    {
        Authorize(context, ParseParent(request.Parent));
        if (request.PageSize < 0) throw InvalidArgument("page_size must not be negative");
        var pageSize = Math.Min(request.PageSize == 0 ? _options.PageSizeDefault : request.PageSize, MaxPageSize);
        var after = request.PageToken.Length == 0 ? null : DecodePageToken(request.PageToken);
        List<AkkaStoredToken> page;
        bool more;
        lock (_gate)
        {
            var remaining = _tokensById.Values
                .Where(t => t.RevokedAt is null)
                .OrderBy(t => t.CreatedAt).ThenBy(t => t.Id, StringComparer.Ordinal)
                .Where(t => after is null || IsAfter(t, after.Value))
                .Take(pageSize + 1)
                .ToList();
            more = remaining.Count > pageSize;
            page = remaining.Take(pageSize).ToList();
        }

        return new WireListTokensResponse(page.Select(ToWire).ToList(), more ? EncodePageToken(page[^1]) : "");
    }

    public void DeleteToken(WireDeleteTokenRequest request, ServerCallContext context)
    {
        var (project, tokenId) = ParseTokenName(request.Name);
        Authorize(context, project);
        lock (_gate)
        {
            if (!_tokensById.TryGetValue(tokenId, out var token) || token.RevokedAt is not null) throw new RpcException(new Status(StatusCode.NotFound, "token not found"));
            _tokensById[tokenId] = token with { RevokedAt = _options.Time.GetUtcNow() };
            _tokenIdsByValue.Remove(token.Value);
        }
    }

    public IReadOnlyList<SandboxTokenRecord> Tokens()
    {
        lock (_gate)
        {
            return _tokensById.Values
                .OrderBy(t => t.CreatedAt).ThenBy(t => t.Id, StringComparer.Ordinal)
                .Select(t => new SandboxTokenRecord(t.Id, t.Description, t.RevokedAt is null, t.CreatedAt, t.RevokedAt))
                .ToList();
        }
    }

    private void Authorize(ServerCallContext context, string project)
    {
        var bearer = BearerOf(context) ?? throw Unauthenticated("missing bearer token");
        AkkaAccessGrant? grant;
        lock (_gate) _grants.TryGetValue(bearer, out grant);
        if (grant is null) throw Unauthenticated("invalid access token");
        if (_options.Time.GetUtcNow() >= grant.ExpiresAt) throw Unauthenticated("access token expired");
        if (!grant.MayManageTokens) throw new RpcException(new Status(StatusCode.PermissionDenied, "only project admins may manage service tokens"));
        if (project != Project) throw new RpcException(new Status(StatusCode.PermissionDenied, "not an admin of this project"));
    }

    private AkkaAccessGrant NewGrant(string subject, bool mayManageTokens, DateTimeOffset now, IReadOnlyList<int> scopes) =>
        new("akka-at." + RandomNumberGenerator.GetHexString(48, lowercase: true), subject, mayManageTokens, now, now + _options.AccessTokenLifetime, scopes);

    private void PruneExpiredGrants(DateTimeOffset now)
    {
        foreach (var expired in _grants.Values.Where(g => g.ExpiresAt <= now).Select(g => g.Token).ToList()) _grants.Remove(expired);
    }

    private WireServiceToken ToWire(AkkaStoredToken token) =>
        new($"{Parent}/tokens/{token.Id}", token.Description, token.CreatedAt, ExpireTime: null, token.Scopes);

    private static string ParseParent(string parent)
    {
        var parts = parent.Split('/');
        if (parts is not ["projects", var project] || !Guid.TryParse(project, out _)) throw InvalidArgument("parent must be projects/<project-id>");
        return project;
    }

    private static (string Project, string TokenId) ParseTokenName(string name)
    {
        var parts = name.Split('/');
        if (parts is not ["projects", var project, "tokens", var tokenId] || !Guid.TryParse(project, out _) || !Guid.TryParse(tokenId, out _))
        {
            throw InvalidArgument("name must be projects/<project-id>/tokens/<token-id>");
        }

        return (project, tokenId);
    }

    // Page tokens are opaque to clients: base64url of the last listed token's sort key, so deletions between
    // pages neither skip nor repeat tokens.
    private static string EncodePageToken(AkkaStoredToken last) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{last.CreatedAt.UtcTicks}:{last.Id}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (long Ticks, string Id)? DecodePageToken(string pageToken)
    {
        try
        {
            var base64 = pageToken.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && long.TryParse(text[..colon], out var ticks)) return (ticks, text[(colon + 1)..]);
        }
        catch (FormatException)
        {
            // Falls through to INVALID_ARGUMENT below.
        }

        throw InvalidArgument("invalid page_token");
    }

    private static bool IsAfter(AkkaStoredToken token, (long Ticks, string Id) after) =>
        token.CreatedAt.UtcTicks > after.Ticks || (token.CreatedAt.UtcTicks == after.Ticks && string.CompareOrdinal(token.Id, after.Id) > 0);

    private static string? BearerOf(ServerCallContext context)
    {
        var header = context.RequestHeaders.GetValue("authorization");
        const string scheme = "Bearer ";
        return header is not null && header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header.Length > scheme.Length
            ? header[scheme.Length..].Trim()
            : null;
    }

    private static RpcException FaultStatus(FaultOutcome fault) => fault.ErrorStatus switch
    {
        429 => RateLimited(fault.RetryAfter ?? TimeSpan.FromSeconds(1)),
        >= 500 => new RpcException(new Status(StatusCode.Unavailable, $"injected fault {fault.ErrorStatus}")),
        400 => InvalidArgument($"injected fault {fault.ErrorStatus}"),
        401 => Unauthenticated($"injected fault {fault.ErrorStatus}"),
        403 => new RpcException(new Status(StatusCode.PermissionDenied, $"injected fault {fault.ErrorStatus}")),
        404 => new RpcException(new Status(StatusCode.NotFound, $"injected fault {fault.ErrorStatus}")),
        _ => new RpcException(new Status(StatusCode.Internal, $"injected fault {fault.ErrorStatus}")),
    };

    // Akka documents no Retry-After for gRPC; the simulator sends the wait as a retry-after trailer (seconds),
    // which clients may honour and otherwise ignore.
    private static RpcException RateLimited(TimeSpan wait) =>
        new(new Status(StatusCode.ResourceExhausted, "rate limit exceeded"), new Metadata { { "retry-after", ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture) } });

    private static RpcException Unauthenticated(string detail) => new(new Status(StatusCode.Unauthenticated, detail));

    private static RpcException InvalidArgument(string detail) => new(new Status(StatusCode.InvalidArgument, detail));
}
