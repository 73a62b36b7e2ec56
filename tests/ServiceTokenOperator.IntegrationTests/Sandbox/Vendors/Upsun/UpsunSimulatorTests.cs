using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using ServiceTokenOperator.Sandbox.Vendors;
using ServiceTokenOperator.Sandbox.Vendors.Upsun;

namespace ServiceTokenOperator.IntegrationTests.Sandbox.Vendors.Upsun;

/// <summary>The simulator against vendor-contracts.md "Upsun and Platform.sh", over real sockets with a raw HttpClient.</summary>
public sealed class UpsunSimulatorTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly HttpClient _http = new();
    private UpsunSimulator _sim = null!;

    public async Task InitializeAsync() => _sim = await StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _sim.DisposeAsync();
    }

    [Theory]
    [InlineData("platform-api-user")]
    [InlineData("platform-cli")]
    [InlineData("upsun-cli")]
    public async Task Grant_WithEachAcceptedClient_ReturnsSignedJwtBearerToken(string clientId)
    {
        using var response = await GrantAsync(_sim.AdminApiToken, clientId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        Assert.Equal("bearer", body.RootElement.GetProperty("token_type").GetString());
        Assert.Equal(900, body.RootElement.GetProperty("expires_in").GetInt64());
        var jwt = body.RootElement.GetProperty("access_token").GetString()!;
        var parts = jwt.Split('.');
        Assert.Equal(3, parts.Length);
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        Assert.Equal("HS256", header.RootElement.GetProperty("alg").GetString());
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        Assert.Equal(_sim.MachineUserId, payload.RootElement.GetProperty("sub").GetString());
        Assert.Equal(_time.GetUtcNow().ToUnixTimeSeconds(), payload.RootElement.GetProperty("iat").GetInt64());
        Assert.Equal(_time.GetUtcNow().ToUnixTimeSeconds() + 900, payload.RootElement.GetProperty("exp").GetInt64());
        Assert.False(string.IsNullOrEmpty(payload.RootElement.GetProperty("jti").GetString()));
        Assert.Equal(32, Base64Url.DecodeFromChars(parts[2]).Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("someone-else")]
    [InlineData("platform-api-user:secret")]
    public async Task Grant_WithMissingOrUnknownClient_Returns401InvalidClient(string? client)
    {
        using var request = GrantRequest(_sim.AdminApiToken, null);
        if (client is not null)
        {
            var credentials = client.Contains(':', StringComparison.Ordinal) ? client : client + ":";
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        }

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", await ErrorOf(response));
    }

    [Fact]
    public async Task Grant_WithUnknownApiToken_Returns400InvalidGrant()
    {
        using var response = await GrantAsync("not-a-real-token");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        Assert.Equal("invalid_grant", body.RootElement.GetProperty("error").GetString());
        Assert.Equal("Invalid API token", body.RootElement.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task Grant_WithOtherGrantType_Returns400UnsupportedGrantType()
    {
        using var request = GrantRequest(_sim.AdminApiToken, "platform-api-user", grantType: "password");

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unsupported_grant_type", await ErrorOf(response));
    }

    [Fact]
    public async Task Api_WithoutBearerToken_Returns401()
    {
        using var response = await _http.GetAsync(Api("/users/me"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Api_WithTamperedSignature_Returns401()
    {
        var jwt = await AccessTokenAsync(_sim.AdminApiToken);
        var tampered = jwt[..^2] + (jwt[^2] == 'A' ? "B" : "A") + jwt[^1];

        using var response = await SendAsync(HttpMethod.Get, "/users/me", tampered);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Api_AccessTokenAtAndAfterExpiry_Returns401ButWorksJustBefore()
    {
        var jwt = await AccessTokenAsync(_sim.AdminApiToken);

        _time.Advance(TimeSpan.FromSeconds(899));
        using (var before = await SendAsync(HttpMethod.Get, "/users/me", jwt)) Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        _time.Advance(TimeSpan.FromSeconds(1));
        using var after = await SendAsync(HttpMethod.Get, "/users/me", jwt);

        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Grant_WithConfiguredLifetime_ExpiresAccordingly()
    {
        await using var sim = await StartAsync(o => o with { AccessTokenLifetime = TimeSpan.FromSeconds(120) });
        using var grant = await GrantAsync(sim.AdminApiToken, sim: sim);
        using var body = await JsonDocument.ParseAsync(await grant.Content.ReadAsStreamAsync());
        var jwt = body.RootElement.GetProperty("access_token").GetString()!;

        _time.Advance(TimeSpan.FromSeconds(120));
        using var response = await SendAsync(HttpMethod.Get, "/users/me", jwt, sim: sim);

        Assert.Equal(120, body.RootElement.GetProperty("expires_in").GetInt64());
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task UsersMe_ReturnsTheTokenOwner()
    {
        using var response = await SendAsync(HttpMethod.Get, "/users/me", await AccessTokenAsync(_sim.AdminApiToken));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        Assert.Equal(_sim.MachineUserId, body.RootElement.GetProperty("id").GetString());
        Assert.Equal("sandbox-machine-user", body.RootElement.GetProperty("username").GetString());
        Assert.True(Guid.TryParse(body.RootElement.GetProperty("id").GetString(), out _));
    }

    [Fact]
    public async Task CreateToken_Returns201WithValueThatTheAuthServerAccepts()
    {
        var jwt = await AccessTokenAsync(_sim.AdminApiToken);

        using var response = await SendAsync(HttpMethod.Post, Tokens(), jwt, new { name = "ci-deployer" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        var root = body.RootElement;
        Assert.True(Guid.TryParse(root.GetProperty("id").GetString(), out _));
        Assert.Equal("ci-deployer", root.GetProperty("name").GetString());
        Assert.False(root.GetProperty("mfa_on_creation").GetBoolean());
        Assert.Equal(_time.GetUtcNow(), root.GetProperty("created_at").GetDateTimeOffset());
        Assert.Equal(_time.GetUtcNow(), root.GetProperty("updated_at").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("last_used_at").ValueKind);
        using var grant = await GrantAsync(root.GetProperty("token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"name":""}""")]
    [InlineData("""{"name":42}""")]
    [InlineData("not json")]
    public async Task CreateToken_WithoutValidName_Returns400WithError(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Api(Tokens())) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await AccessTokenAsync(_sim.AdminApiToken));

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrEmpty(await ErrorOf(response)));
    }

    [Fact]
    public async Task CreateToken_DuplicateNameOfLiveToken_Returns409()
    {
        var jwt = await AccessTokenAsync(_sim.AdminApiToken);
        using var first = await SendAsync(HttpMethod.Post, Tokens(), jwt, new { name = "twice" });

        using var second = await SendAsync(HttpMethod.Post, Tokens(), jwt, new { name = "twice" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.False(string.IsNullOrEmpty(await ErrorOf(second)));
    }

    [Fact]
    public async Task ListTokens_ReturnsBareArrayWithoutValues()
    {
        var jwt = await AccessTokenAsync(_sim.AdminApiToken);
        var id = await CreateAsync(jwt, "listed");

        using var response = await SendAsync(HttpMethod.Get, Tokens(), jwt);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        Assert.Equal(JsonValueKind.Array, body.RootElement.ValueKind);
        var items = body.RootElement.EnumerateArray().ToList();
        Assert.Contains(items, i => i.GetProperty("id").GetString() == id && i.GetProperty("name").GetString() == "listed");
        Assert.All(items, i => Assert.False(i.TryGetProperty("token", out _)));
    }

    [Fact]
    public async Task GetToken_KnownAndUnknown_Returns200And404()
    {
        var jwt = await AccessTokenAsync(_sim.AdminApiToken);
        var id = await CreateAsync(jwt, "fetched");

        using var known = await SendAsync(HttpMethod.Get, Tokens(id), jwt);
        using var unknown = await SendAsync(HttpMethod.Get, Tokens(Guid.NewGuid().ToString()), jwt);

        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        using var body = await JsonDocument.ParseAsync(await known.Content.ReadAsStreamAsync());
        Assert.Equal(id, body.RootElement.GetProperty("id").GetString());
        Assert.False(body.RootElement.TryGetProperty("token", out _));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task DeleteToken_Returns204ThenTheTokenIsGoneEverywhere()
    {
        var jwt = await AccessTokenAsync(_sim.AdminApiToken);
        using var create = await SendAsync(HttpMethod.Post, Tokens(), jwt, new { name = "doomed" });
        using var created = await JsonDocument.ParseAsync(await create.Content.ReadAsStreamAsync());
        var id = created.RootElement.GetProperty("id").GetString()!;
        var value = created.RootElement.GetProperty("token").GetString()!;

        using var delete = await SendAsync(HttpMethod.Delete, Tokens(id), jwt);

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(0, delete.Content.Headers.ContentLength ?? 0);
        using (var again = await SendAsync(HttpMethod.Delete, Tokens(id), jwt)) Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        using (var get = await SendAsync(HttpMethod.Get, Tokens(id), jwt)) Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        using var grant = await GrantAsync(value);
        Assert.Equal("invalid_grant", await ErrorOf(grant));
        var record = Assert.Single(_sim.Tokens(), t => t.Id == id);
        Assert.False(record.Live);
        Assert.Equal(_time.GetUtcNow(), record.RevokedAt);
    }

    [Fact]
    public async Task AccessTokenOfDeletedApiToken_KeepsWorkingUntilItExpires()
    {
        var admin = await AccessTokenAsync(_sim.AdminApiToken);
        using var create = await SendAsync(HttpMethod.Post, Tokens(), admin, new { name = "short-lived" });
        using var created = await JsonDocument.ParseAsync(await create.Content.ReadAsStreamAsync());
        var derived = await AccessTokenAsync(created.RootElement.GetProperty("token").GetString()!);
        using (var delete = await SendAsync(HttpMethod.Delete, Tokens(created.RootElement.GetProperty("id").GetString()!), admin))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        _time.Advance(TimeSpan.FromSeconds(899));
        using (var stillValid = await SendAsync(HttpMethod.Get, "/users/me", derived)) Assert.Equal(HttpStatusCode.OK, stillValid.StatusCode);
        _time.Advance(TimeSpan.FromSeconds(1));
        using var expired = await SendAsync(HttpMethod.Get, "/users/me", derived);

        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
    }

    [Fact]
    public async Task TokensOfAnotherUser_Return403ForEveryCall()
    {
        var other = _sim.AddUser("someone-else");
        var jwt = await AccessTokenAsync(_sim.AdminApiToken);
        var otherToken = Assert.Single(_sim.Tokens(), t => t.Live && t.Name == "sandbox-admin" && !IsMachineUsers(t.Id)).Id;

        using var list = await SendAsync(HttpMethod.Get, Tokens(userId: other.Id), jwt);
        using var create = await SendAsync(HttpMethod.Post, Tokens(userId: other.Id), jwt, new { name = "stolen" });
        using var get = await SendAsync(HttpMethod.Get, Tokens(otherToken, other.Id), jwt);
        using var delete = await SendAsync(HttpMethod.Delete, Tokens(otherToken, other.Id), jwt);

        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, get.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        Assert.False(string.IsNullOrEmpty(await ErrorOf(delete)));
        Assert.True(Assert.Single(_sim.Tokens(), t => t.Id == otherToken).Live);
    }

    [Fact]
    public async Task RateLimit_Exceeded_Returns429WithRetryAfterUntilTheWindowResets()
    {
        await using var sim = await StartAsync(o => o with { RateLimitPerMinute = 3 });
        var jwt = await AccessTokenAsync(sim.AdminApiToken, sim);
        for (var i = 0; i < 3; i++)
        {
            using var allowed = await SendAsync(HttpMethod.Get, "/users/me", jwt, sim: sim);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        _time.Advance(TimeSpan.FromSeconds(20));
        using var limited = await SendAsync(HttpMethod.Get, "/users/me", jwt, sim: sim);
        _time.Advance(TimeSpan.FromSeconds(40));
        using var reset = await SendAsync(HttpMethod.Get, "/users/me", jwt, sim: sim);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(40), limited.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
    }

    [Fact]
    public async Task Faults_Burst429_HitsApiAndAuthButNotTheInspectionEndpoints()
    {
        var jwt = await AccessTokenAsync(_sim.AdminApiToken);
        using (var post = await _http.PostAsJsonAsync(Api("/_sandbox/faults"), new FaultSettings { Burst429 = 2, RetryAfterSeconds = 7 }))
        {
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        }

        using var inspection = await _http.GetAsync(Api("/_sandbox/tokens"));
        using var api = await SendAsync(HttpMethod.Get, "/users/me", jwt);
        using var auth = await GrantAsync(_sim.AdminApiToken);
        using var afterBurst = await SendAsync(HttpMethod.Get, "/users/me", jwt);

        Assert.Equal(HttpStatusCode.OK, inspection.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, api.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), api.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.TooManyRequests, auth.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterBurst.StatusCode);
    }

    [Fact]
    public async Task Faults_ErrorRateOne_AnswersTheConfiguredStatus()
    {
        var jwt = await AccessTokenAsync(_sim.AdminApiToken);
        _sim.Faults.Apply(new FaultSettings { ErrorRate = 1, ErrorStatus = 502 });

        using var api = await SendAsync(HttpMethod.Get, "/users/me", jwt);
        using var auth = await GrantAsync(_sim.AdminApiToken);

        Assert.Equal(HttpStatusCode.BadGateway, api.StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, auth.StatusCode);
    }

    [Fact]
    public async Task AuthServerDown_Answers503UntilSwitchedBack()
    {
        _sim.AuthServerDown = true;
        using var down = await GrantAsync(_sim.AdminApiToken);
        _sim.AuthServerDown = false;
        using var up = await GrantAsync(_sim.AdminApiToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
    }

    [Fact]
    public async Task InspectionTokens_ListsEveryIssuedTokenWithLiveness()
    {
        var jwt = await AccessTokenAsync(_sim.AdminApiToken);
        var kept = await CreateAsync(jwt, "kept");
        var revoked = await CreateAsync(jwt, "revoked");
        using (var delete = await SendAsync(HttpMethod.Delete, Tokens(revoked), jwt)) Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        var records = await _http.GetFromJsonAsync<List<SandboxTokenRecord>>(Api("/_sandbox/tokens"));

        Assert.NotNull(records);
        Assert.True(Assert.Single(records, r => r.Id == kept).Live);
        var gone = Assert.Single(records, r => r.Id == revoked);
        Assert.False(gone.Live);
        Assert.Equal("revoked", gone.Name);
        Assert.NotNull(gone.RevokedAt);
    }

    [Fact]
    public async Task RequestCount_CountsApiAndAuthRequestsButNotInspection()
    {
        var before = _sim.RequestCount;
        var jwt = await AccessTokenAsync(_sim.AdminApiToken);
        using (var me = await SendAsync(HttpMethod.Get, "/users/me", jwt)) Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using (var inspection = await _http.GetAsync(Api("/_sandbox/tokens"))) Assert.Equal(HttpStatusCode.OK, inspection.StatusCode);

        Assert.Equal(before + 2, _sim.RequestCount);
        Assert.Equal(1, _sim.TokenExchangeCount);
    }

    private bool IsMachineUsers(string tokenId) => _sim.Tokens()[0].Id == tokenId;

    private Task<UpsunSimulator> StartAsync(Func<UpsunSimulatorOptions, UpsunSimulatorOptions>? configure = null)
    {
        var options = new UpsunSimulatorOptions { Time = _time };
        return UpsunSimulator.StartAsync(configure is null ? options : configure(options));
    }

    private Uri Api(string path, UpsunSimulator? sim = null) => new((sim ?? _sim).ApiUrl.AbsoluteUri.TrimEnd('/') + path);

    private string Tokens(string? tokenId = null, string? userId = null) =>
        $"/users/{userId ?? _sim.MachineUserId}/api-tokens" + (tokenId is null ? "" : "/" + tokenId);

    private HttpRequestMessage GrantRequest(string apiToken, string? clientId, string grantType = "api_token", UpsunSimulator? sim = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri((sim ?? _sim).AuthUrl.AbsoluteUri.TrimEnd('/') + "/oauth2/token"))
        {
            Content = new FormUrlEncodedContent([new("grant_type", grantType), new("api_token", apiToken)]),
        };
        if (clientId is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(clientId + ":")));
        }

        return request;
    }

    private async Task<HttpResponseMessage> GrantAsync(string apiToken, string clientId = "platform-api-user", UpsunSimulator? sim = null)
    {
        using var request = GrantRequest(apiToken, clientId, sim: sim);
        return await _http.SendAsync(request);
    }

    private async Task<string> AccessTokenAsync(string apiToken, UpsunSimulator? sim = null)
    {
        using var response = await GrantAsync(apiToken, sim: sim);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        return body.RootElement.GetProperty("access_token").GetString()!;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string accessToken, object? body = null, UpsunSimulator? sim = null)
    {
        using var request = new HttpRequestMessage(method, Api(path, sim));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        if (body is not null) request.Content = JsonContent.Create(body);
        return await _http.SendAsync(request);
    }

    private async Task<string> CreateAsync(string accessToken, string name)
    {
        using var response = await SendAsync(HttpMethod.Post, Tokens(), accessToken, new { name });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        return body.RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<string?> ErrorOf(HttpResponseMessage response)
    {
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        return body.RootElement.GetProperty("error").GetString();
    }
}
