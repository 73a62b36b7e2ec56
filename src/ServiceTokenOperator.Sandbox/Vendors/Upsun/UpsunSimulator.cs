using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using ServiceTokenOperator.Sandbox.Hosting;

namespace ServiceTokenOperator.Sandbox.Vendors.Upsun;

/// <summary>
/// Upsun / Platform.sh as vendor-contracts.md describes them: an auth server doing the OAuth2 <c>api_token</c>
/// grant into HS256 JWT access tokens, and an API server managing a user's API tokens. Two ports, because the
/// real services are separate hosts and clients must be configured with both.
/// </summary>
public sealed class UpsunSimulator : IAsyncDisposable
{
    /// <summary>OAuth2 clients the vendor accepts with an empty secret: the API client and both CLIs.</summary>
    private static readonly HashSet<string> ClientIds = new(StringComparer.Ordinal) { "platform-api-user", "platform-cli", "upsun-cli" };

    private const string UserItem = "upsun.user";

    private readonly UpsunSimulatorOptions _options;
    private readonly UpsunStore _store = new();
    private readonly UpsunJwt _jwt;
    private readonly RateLimitWindow _rateLimit;
    private LoopbackServer? _api;
    private LoopbackServer? _auth;
    private long _requests;
    private long _exchanges;
    private volatile bool _authServerDown;

    private UpsunSimulator(UpsunSimulatorOptions options)
    {
        _options = options;
        _jwt = new UpsunJwt("sandbox-" + options.Brand);
        _rateLimit = new RateLimitWindow(options.Time, () => Faults.Settings.RateLimitPerMinute > 0 ? Faults.Settings.RateLimitPerMinute : options.RateLimitPerMinute);
        var machineUser = AddUser("sandbox-machine-user");
        MachineUserId = machineUser.Id;
        AdminApiToken = machineUser.ApiToken;
    }

    /// <summary>The API server base, e.g. http://127.0.0.1:P.</summary>
    public Uri ApiUrl => _api!.BaseUri;

    /// <summary>The auth server base, on its own port.</summary>
    public Uri AuthUrl => _auth!.BaseUri;

    /// <summary>Where <c>/_sandbox/*</c> is served: the API server.</summary>
    public Uri InspectUrl => _api!.BaseUri;

    /// <summary>An API token of the machine user, the admin credential of an issuer.</summary>
    public string AdminApiToken { get; }

    public string MachineUserId { get; }

    /// <summary>Faults applied to every API and auth request (not to <c>/_sandbox</c>).</summary>
    public FaultPlan Faults { get; } = new();

    /// <summary>Vendor requests served so far, API and auth server together.</summary>
    public long RequestCount => Interlocked.Read(ref _requests);

    /// <summary>Successful api_token grants so far (access tokens handed out).</summary>
    public long TokenExchangeCount => Interlocked.Read(ref _exchanges);

    /// <summary>Test switch: while true the auth server answers every request with 503.</summary>
    public bool AuthServerDown
    {
        get => _authServerDown;
        set => _authServerDown = value;
    }

    public static async Task<UpsunSimulator> StartAsync(UpsunSimulatorOptions options, CancellationToken ct = default)
    {
        if (options.Brand is not ("upsun" or "platformsh"))
        {
            throw new ArgumentException($"Brand must be upsun or platformsh, not '{options.Brand}'.", nameof(options));
        }

        var simulator = new UpsunSimulator(options);
        try
        {
            simulator._auth = await LoopbackServer.StartAsync(options.AuthPort, HttpProtocols.Http1AndHttp2, _ => { }, simulator.ConfigureAuth, ct);
            simulator._api = await LoopbackServer.StartAsync(options.ApiPort, HttpProtocols.Http1AndHttp2, _ => { }, simulator.ConfigureApi, ct);
            return simulator;
        }
        catch
        {
            await simulator.DisposeAsync();
            throw;
        }
    }

    /// <summary>Adds another user with one API token (to test acting on someone else's tokens).</summary>
    public UpsunSimulatedUser AddUser(string username)
    {
        var now = _options.Time.GetUtcNow();
        var domain = _options.Brand == "platformsh" ? "platform.sh.example" : "upsun.example";
        var user = _store.AddUser(username, $"{username}@{domain}", now);
        var token = _store.CreateToken(user.Id, "sandbox-admin", now).Token!;
        return new UpsunSimulatedUser(user.Id, username, token.Value);
    }

    /// <summary>Every API token ever issued, the seeded admin tokens included.</summary>
    public IReadOnlyList<SandboxTokenRecord> Tokens() =>
        _store.AllTokens().Select(t => new SandboxTokenRecord(t.Id, t.Name, t.Live, t.CreatedAt, t.RevokedAt)).ToList();

    public async ValueTask DisposeAsync()
    {
        if (_api is not null) await _api.DisposeAsync();
        if (_auth is not null) await _auth.DisposeAsync();
    }

    private void ConfigureAuth(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref _requests);
            if (_authServerDown)
            {
                await WriteJsonAsync(context, StatusCodes.Status503ServiceUnavailable, ErrorBody("temporarily_unavailable", "The auth server is down."));
                return;
            }

            if (!await PassesFaultsAsync(context)) return;
            // Per client address: the grant carries no credential the limit could key on before it is parsed.
            if (!await PassesRateLimitAsync(context, "auth:" + context.Connection.RemoteIpAddress)) return;
            await next(context);
        });
        app.MapPost("/oauth2/token", GrantAsync);
    }

    private void ConfigureApi(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (InspectionEndpoints.IsInspection(context.Request.Path))
            {
                await next(context);
                return;
            }

            Interlocked.Increment(ref _requests);
            if (!await PassesFaultsAsync(context)) return;
            var claims = Authenticate(context.Request);
            if (claims is null)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
                await WriteJsonAsync(context, StatusCodes.Status401Unauthorized, ErrorBody("invalid_token", "The access token is missing, invalid or expired."));
                return;
            }

            if (!await PassesRateLimitAsync(context, "user:" + claims.Subject)) return;
            context.Items[UserItem] = claims.Subject;
            await next(context);
        });
        app.MapSandboxInspection(Tokens, Faults);
        app.MapGet("/users/me", CurrentUserAsync);
        app.MapPost("/users/{userId}/api-tokens", CreateTokenAsync);
        app.MapGet("/users/{userId}/api-tokens", ListTokensAsync);
        app.MapGet("/users/{userId}/api-tokens/{tokenId}", GetTokenAsync);
        app.MapDelete("/users/{userId}/api-tokens/{tokenId}", DeleteTokenAsync);
    }

    private async Task GrantAsync(HttpContext context)
    {
        if (ClientIdOf(context.Request) is not { } clientId || !ClientIds.Contains(clientId))
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"oauth2\"";
            await WriteJsonAsync(context, StatusCodes.Status401Unauthorized, ErrorBody("invalid_client", "Client authentication failed."));
            return;
        }

        if (!context.Request.HasFormContentType)
        {
            await WriteJsonAsync(context, StatusCodes.Status400BadRequest, ErrorBody("invalid_request", "The request body must be application/x-www-form-urlencoded."));
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var grantType = form["grant_type"].ToString();
        if (grantType.Length == 0)
        {
            await WriteJsonAsync(context, StatusCodes.Status400BadRequest, ErrorBody("invalid_request", "The grant_type parameter is missing."));
            return;
        }

        if (grantType != "api_token")
        {
            await WriteJsonAsync(context, StatusCodes.Status400BadRequest, ErrorBody("unsupported_grant_type", "The authorization grant type is not supported."));
            return;
        }

        var now = _options.Time.GetUtcNow();
        var apiToken = form["api_token"].ToString();
        if (apiToken.Length == 0 || _store.UseByValue(apiToken, now) is not { } token)
        {
            await WriteJsonAsync(context, StatusCodes.Status400BadRequest, ErrorBody("invalid_grant", "Invalid API token"));
            return;
        }

        Interlocked.Increment(ref _exchanges);
        context.Response.Headers.CacheControl = "no-store";
        await WriteJsonAsync(context, StatusCodes.Status200OK, new JsonObject
        {
            ["access_token"] = _jwt.Issue(token.UserId, now, _options.AccessTokenLifetime),
            ["expires_in"] = (long)_options.AccessTokenLifetime.TotalSeconds,
            ["token_type"] = "bearer",
            ["scope"] = "account",
        });
    }

    private async Task CurrentUserAsync(HttpContext context)
    {
        var user = _store.User((string)context.Items[UserItem]!)!;
        await WriteJsonAsync(context, StatusCodes.Status200OK, new JsonObject
        {
            ["id"] = user.Id,
            ["deactivated"] = false,
            ["namespace"] = _options.Brand,
            ["username"] = user.Username,
            ["email"] = user.Email,
            ["email_verified"] = true,
            ["first_name"] = "Sandbox",
            ["last_name"] = user.Username,
            ["mfa_enabled"] = false,
            ["created_at"] = Timestamp(user.CreatedAt),
            ["updated_at"] = Timestamp(user.CreatedAt),
            ["_links"] = new JsonObject { ["self"] = new JsonObject { ["href"] = $"{BaseOf(context)}/users/{user.Id}" } },
        });
    }

    private async Task CreateTokenAsync(HttpContext context, string userId)
    {
        if (!await MayManageAsync(context, userId)) return;
        string? name;
        try
        {
            var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            name = body is JsonObject o && o["name"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        }
        catch (JsonException)
        {
            await WriteJsonAsync(context, StatusCodes.Status400BadRequest, ApiError("The request body is not valid JSON."));
            return;
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            await WriteJsonAsync(context, StatusCodes.Status400BadRequest, ApiError("name: This value should not be blank."));
            return;
        }

        var result = _store.CreateToken(userId, name, _options.Time.GetUtcNow());
        if (result.DuplicateName)
        {
            await WriteJsonAsync(context, StatusCodes.Status409Conflict, ApiError("An API token with this name already exists."));
            return;
        }

        var token = result.Token!;
        context.Response.Headers.Location = $"{BaseOf(context)}/users/{userId}/api-tokens/{token.Id}";
        await WriteJsonAsync(context, StatusCodes.Status201Created, TokenJson(context, token, withValue: true));
    }

    private async Task ListTokensAsync(HttpContext context, string userId)
    {
        if (!await MayManageAsync(context, userId)) return;
        var items = new JsonArray();
        foreach (var token in _store.LiveTokensOf(userId)) items.Add(TokenJson(context, token, withValue: false));
        await WriteJsonAsync(context, StatusCodes.Status200OK, items);
    }

    private async Task GetTokenAsync(HttpContext context, string userId, string tokenId)
    {
        if (!await MayManageAsync(context, userId)) return;
        if (_store.LiveToken(userId, tokenId) is not { } token)
        {
            await WriteJsonAsync(context, StatusCodes.Status404NotFound, ApiError("API token not found."));
            return;
        }

        await WriteJsonAsync(context, StatusCodes.Status200OK, TokenJson(context, token, withValue: false));
    }

    private async Task DeleteTokenAsync(HttpContext context, string userId, string tokenId)
    {
        if (!await MayManageAsync(context, userId)) return;
        // Access tokens already derived from this API token stay valid until they expire, as at the vendor.
        if (!_store.Revoke(userId, tokenId, _options.Time.GetUtcNow()))
        {
            await WriteJsonAsync(context, StatusCodes.Status404NotFound, ApiError("API token not found."));
            return;
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>Only the user themself manages their API tokens; anyone else gets 403.</summary>
    private static async Task<bool> MayManageAsync(HttpContext context, string userId)
    {
        if ((string)context.Items[UserItem]! == userId) return true;
        await WriteJsonAsync(context, StatusCodes.Status403Forbidden, ApiError("You are not allowed to manage the API tokens of this user."));
        return false;
    }

    private UpsunJwt.Claims? Authenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return null;
        var claims = _jwt.Validate(header["Bearer ".Length..].Trim(), _options.Time.GetUtcNow());
        return claims is not null && _store.User(claims.Subject) is not null ? claims : null;
    }

    private async Task<bool> PassesFaultsAsync(HttpContext context)
    {
        var outcome = Faults.Next();
        // Injected latency is real time on purpose: it slows real sockets, whatever clock the test drives.
        if (outcome.Delay > TimeSpan.Zero) await Task.Delay(outcome.Delay, context.RequestAborted);
        if (!outcome.Fails) return true;
        if (outcome.RetryAfter is { } retryAfter) SetRetryAfter(context, retryAfter);
        var error = outcome.ErrorStatus == StatusCodes.Status429TooManyRequests ? "rate_limited" : "server_error";
        await WriteJsonAsync(context, outcome.ErrorStatus, ErrorBody(error, "Injected fault."));
        return false;
    }

    private async Task<bool> PassesRateLimitAsync(HttpContext context, string credential)
    {
        if (_rateLimit.TryAcquire(credential) is not { } wait) return true;
        SetRetryAfter(context, wait);
        await WriteJsonAsync(context, StatusCodes.Status429TooManyRequests, ErrorBody("rate_limited", "Too many requests."));
        return false;
    }

    private static void SetRetryAfter(HttpContext context, TimeSpan wait) =>
        context.Response.Headers.RetryAfter = ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static string? ClientIdOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
        }
        catch (FormatException)
        {
            return null;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        // Public clients: the secret must be empty.
        return colon > 0 && colon == decoded.Length - 1 ? decoded[..colon] : null;
    }

    private static JsonObject TokenJson(HttpContext context, UpsunStoredToken token, bool withValue)
    {
        var json = new JsonObject
        {
            ["id"] = token.Id,
            ["name"] = token.Name,
            ["mfa_on_creation"] = false,
        };
        if (withValue) json["token"] = token.Value;
        json["created_at"] = Timestamp(token.CreatedAt);
        json["updated_at"] = Timestamp(token.UpdatedAt);
        json["last_used_at"] = token.LastUsedAt is { } used ? Timestamp(used) : null;
        json["_links"] = new JsonObject { ["self"] = new JsonObject { ["href"] = $"{BaseOf(context)}/users/{token.UserId}/api-tokens/{token.Id}" } };
        return json;
    }

    private static string BaseOf(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host}";

    private static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static JsonObject ErrorBody(string error, string description) =>
        new() { ["error"] = error, ["error_description"] = description };

    private static JsonObject ApiError(string message) => new() { ["error"] = message };

    private static async Task WriteJsonAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }
}
