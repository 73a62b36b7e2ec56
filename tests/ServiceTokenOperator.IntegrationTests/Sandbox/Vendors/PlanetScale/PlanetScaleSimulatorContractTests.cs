using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using ServiceTokenOperator.Sandbox.Vendors.PlanetScale;

namespace ServiceTokenOperator.IntegrationTests.Sandbox.Vendors.PlanetScale;

/// <summary>The simulator against vendor-contracts.md "PlanetScale", with a raw HttpClient over real sockets.</summary>
public sealed partial class PlanetScaleSimulatorContractTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2021, 1, 14, 10, 19, 23, TimeSpan.Zero));
    private readonly HttpClient _http = new();
    private PlanetScaleSimulator _sim = null!;

    private string TokensPath => $"/v1/organizations/{_sim.Organization}/service-tokens";

    public async Task InitializeAsync() => _sim = await StartAsync(new PlanetScaleSimulatorOptions { Time = _time });

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _sim.DisposeAsync();
    }

    private static Task<PlanetScaleSimulator> StartAsync(PlanetScaleSimulatorOptions options) => PlanetScaleSimulator.StartAsync(options);

    [GeneratedRegex("^[a-z0-9]{12}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex TimestampPattern();

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(
        HttpMethod method, string path, string? json = null, string? credential = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(_sim.BaseUri, path));
        request.Headers.TryAddWithoutValidation("Authorization", credential ?? $"{_sim.AdminTokenId}:{_sim.AdminToken}");
        request.Headers.Accept.ParseAdd("application/json");
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        configure?.Invoke(request);
        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, body, response);
    }

    private async Task<JsonElement> CreateAsync(string? name = "ci", long? ttl = null, string? credential = null)
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, object?> { ["name"] = name, ["ttl"] = ttl });
        var (status, body, _) = await SendAsync(HttpMethod.Post, TokensPath, json, credential);
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    private static void AssertError(JsonElement body, string code)
    {
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Create_AdminCredential_Answers200WithEveryContractField()
    {
        var token = await CreateAsync("ci-deployer");

        Assert.Matches(IdPattern(), token.GetProperty("id").GetString());
        Assert.Equal("ServiceToken", token.GetProperty("type").GetString());
        Assert.StartsWith("pscale_tkn_", token.GetProperty("token").GetString(), StringComparison.Ordinal);
        Assert.Equal("ci-deployer", token.GetProperty("name").GetString());
        Assert.Equal("ci-deployer", token.GetProperty("display_name").GetString());
        Assert.Equal("2021-01-14T10:19:23.000Z", token.GetProperty("created_at").GetString());
        Assert.Matches(TimestampPattern(), token.GetProperty("updated_at").GetString());
        Assert.Equal(JsonValueKind.Null, token.GetProperty("expires_at").ValueKind);
        Assert.Equal(JsonValueKind.Null, token.GetProperty("last_used_at").ValueKind);
        foreach (var field in (string[])["actor_id", "actor_display_name", "actor_type", "avatar_url"])
        {
            Assert.Equal(JsonValueKind.String, token.GetProperty(field).ValueKind);
        }

        Assert.Equal(0, token.GetProperty("service_token_accesses").GetArrayLength());
    }

    [Fact]
    public async Task Create_Ttl_ExpiresAfterTtlSeconds()
    {
        var token = await CreateAsync(ttl: 3600);
        Assert.Equal("2021-01-14T11:19:23.000Z", token.GetProperty("expires_at").GetString());
    }

    [Fact]
    public async Task Create_EmptyBody_CreatesUnnamedToken()
    {
        var (status, body, _) = await SendAsync(HttpMethod.Post, TokensPath);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("name").ValueKind);
        Assert.Equal(body.GetProperty("id").GetString(), body.GetProperty("display_name").GetString());
    }

    [Theory]
    [InlineData("{\"ttl\": 0}")]
    [InlineData("{\"ttl\": -5}")]
    [InlineData("{\"ttl\": \"1h\"}")]
    [InlineData("{\"name\": 5}")]
    public async Task Create_InvalidFields_Answers422InvalidParams(string json)
    {
        var (status, body, _) = await SendAsync(HttpMethod.Post, TokensPath, json);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        AssertError(body, "invalid_params");
    }

    [Theory]
    [InlineData("{\"name\": ")]
    [InlineData("[1, 2]")]
    public async Task Create_MalformedJson_Answers400BadRequest(string json)
    {
        var (status, body, _) = await SendAsync(HttpMethod.Post, TokensPath, json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertError(body, "bad_request");
    }

    [Fact]
    public async Task Create_NonJsonContentType_Answers400()
    {
        var (status, body, _) = await SendAsync(HttpMethod.Post, TokensPath, configure: r => r.Content = new StringContent("name=x", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertError(body, "bad_request");
    }

    [Fact]
    public async Task AnyCall_AcceptNotJson_Answers406()
    {
        var (status, _, _) = await SendAsync(HttpMethod.Get, TokensPath, configure: r =>
        {
            r.Headers.Accept.Clear();
            r.Headers.Accept.ParseAdd("text/html");
        });
        Assert.Equal(HttpStatusCode.NotAcceptable, status);
    }

    [Fact]
    public async Task List_MoreThanOnePage_PagesWithContractEnvelope()
    {
        for (var i = 0; i < 30; i++) await CreateAsync($"t{i}");

        var (status, first, _) = await SendAsync(HttpMethod.Get, TokensPath);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("list", first.GetProperty("type").GetString());
        Assert.Equal(1, first.GetProperty("current_page").GetInt32());
        Assert.Equal(25, first.GetProperty("per_page").GetInt32());
        Assert.Equal(2, first.GetProperty("next_page").GetInt32());
        Assert.EndsWith($"{TokensPath}?page=2&per_page=25", first.GetProperty("next_page_url").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, first.GetProperty("prev_page").ValueKind);
        Assert.Equal(JsonValueKind.Null, first.GetProperty("prev_page_url").ValueKind);
        Assert.Equal(31, first.GetProperty("total_count").GetInt32()); // 30 + the admin token
        Assert.Equal(2, first.GetProperty("total_pages").GetInt32());
        Assert.Equal(25, first.GetProperty("data").GetArrayLength());
        Assert.All(first.GetProperty("data").EnumerateArray(), t => Assert.Equal(JsonValueKind.Null, t.GetProperty("token").ValueKind));

        var (_, second, _) = await SendAsync(HttpMethod.Get, new Uri(first.GetProperty("next_page_url").GetString()!).PathAndQuery);
        Assert.Equal(2, second.GetProperty("current_page").GetInt32());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next_page").ValueKind);
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next_page_url").ValueKind);
        Assert.Equal(1, second.GetProperty("prev_page").GetInt32());
        Assert.Equal(6, second.GetProperty("data").GetArrayLength());

        var ids = first.GetProperty("data").EnumerateArray().Concat(second.GetProperty("data").EnumerateArray()).Select(t => t.GetProperty("id").GetString()).ToHashSet();
        Assert.Equal(31, ids.Count);
    }

    [Fact]
    public async Task List_PerPage_HonouredAndInvalidRejected()
    {
        await CreateAsync();
        var (_, page, _) = await SendAsync(HttpMethod.Get, TokensPath + "?page=1&per_page=1");
        Assert.Equal(1, page.GetProperty("data").GetArrayLength());
        Assert.Equal(2, page.GetProperty("total_pages").GetInt32());

        var (status, body, _) = await SendAsync(HttpMethod.Get, TokensPath + "?page=0");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        AssertError(body, "invalid_params");
    }

    [Fact]
    public async Task Get_ExistingToken_Answers200WithoutSecret()
    {
        var created = await CreateAsync("x");
        var id = created.GetProperty("id").GetString();

        var (status, body, _) = await SendAsync(HttpMethod.Get, $"{TokensPath}/{id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(id, body.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("token").ValueKind);
    }

    [Fact]
    public async Task Get_UnknownToken_Answers404NotFound()
    {
        var (status, body, _) = await SendAsync(HttpMethod.Get, $"{TokensPath}/nosuchtoken0");
        Assert.Equal(HttpStatusCode.NotFound, status);
        AssertError(body, "not_found");
    }

    [Fact]
    public async Task Delete_ExistingToken_Answers204EmptyThen404()
    {
        var id = (await CreateAsync()).GetProperty("id").GetString();

        var (status, _, response) = await SendAsync(HttpMethod.Delete, $"{TokensPath}/{id}");
        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());

        var (again, body, _) = await SendAsync(HttpMethod.Delete, $"{TokensPath}/{id}");
        Assert.Equal(HttpStatusCode.NotFound, again);
        AssertError(body, "not_found");
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, $"{TokensPath}/{id}")).Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer {id}:{token}")]
    [InlineData("{id}:wrong")]
    [InlineData("{id}")]
    [InlineData("{id}:")]
    public async Task AnyCall_BadAuthorization_Answers401Unauthorized(string? header)
    {
        var credential = header?.Replace("{id}", _sim.AdminTokenId, StringComparison.Ordinal).Replace("{token}", _sim.AdminToken, StringComparison.Ordinal) ?? "";
        var (status, body, _) = await SendAsync(HttpMethod.Get, TokensPath, credential: credential);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        AssertError(body, "unauthorized");
    }

    [Fact]
    public async Task AnyCall_DeletedTokenAsCredential_Answers401()
    {
        var (id, token) = _sim.AddServiceToken("read_service_tokens");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, TokensPath, credential: $"{id}:{token}")).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"{TokensPath}/{id}")).Status);

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, TokensPath, credential: $"{id}:{token}")).Status);
    }

    [Fact]
    public async Task AnyCall_ExpiredTokenAsCredential_Answers401()
    {
        var created = await CreateAsync(ttl: 60);
        var id = created.GetProperty("id").GetString();
        var credential = $"{id}:{created.GetProperty("token").GetString()}";
        var grant = await SendAsync(HttpMethod.Post, $"{TokensPath}/{id}/access", "{\"access\": [\"read_service_tokens\"]}");
        Assert.Equal(HttpStatusCode.OK, grant.Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, TokensPath, credential: credential)).Status);

        _time.Advance(TimeSpan.FromSeconds(61));

        var (status, body, _) = await SendAsync(HttpMethod.Get, TokensPath, credential: credential);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        AssertError(body, "unauthorized");
    }

    [Fact]
    public async Task Credential_Used_StampsLastUsedAt()
    {
        var (id, token) = _sim.AddServiceToken("read_service_tokens");
        _time.Advance(TimeSpan.FromMinutes(5));
        await SendAsync(HttpMethod.Get, TokensPath, credential: $"{id}:{token}");

        var (_, body, _) = await SendAsync(HttpMethod.Get, $"{TokensPath}/{id}");
        Assert.Equal("2021-01-14T10:24:23.000Z", body.GetProperty("last_used_at").GetString());
    }

    [Fact]
    public async Task AnyCall_MissingPermission_Answers404NotFound()
    {
        var (id, token) = _sim.AddServiceToken("read_service_tokens");
        var credential = $"{id}:{token}";
        var target = (await CreateAsync()).GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, TokensPath, credential: credential)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"{TokensPath}/{target}", credential: credential)).Status);

        var create = await SendAsync(HttpMethod.Post, TokensPath, "{}", credential);
        Assert.Equal(HttpStatusCode.NotFound, create.Status);
        AssertError(create.Body, "not_found");
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Delete, $"{TokensPath}/{target}", credential: credential)).Status);

        var (writerId, writerToken) = _sim.AddServiceToken("write_service_tokens");
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, TokensPath, credential: $"{writerId}:{writerToken}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, TokensPath, "{}", $"{writerId}:{writerToken}")).Status);
    }

    [Fact]
    public async Task AnyCall_UnknownOrganization_Answers404()
    {
        var (status, body, _) = await SendAsync(HttpMethod.Get, "/v1/organizations/other-org/service-tokens");
        Assert.Equal(HttpStatusCode.NotFound, status);
        AssertError(body, "not_found");
    }

    [Fact]
    public async Task Access_AddShowRemove_FollowsContract()
    {
        var id = (await CreateAsync()).GetProperty("id").GetString();
        var path = $"{TokensPath}/{id}/access";

        var (status, added, _) = await SendAsync(HttpMethod.Post, path, "{\"database\": \"payments\", \"access\": [\"read_branch\", \"connect_branch\"]}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("list", added.GetProperty("type").GetString());
        Assert.Equal(["read_branch", "connect_branch"], added.GetProperty("data").EnumerateArray().Select(a => a.GetProperty("access").GetString()));

        var (_, token, _) = await SendAsync(HttpMethod.Get, $"{TokensPath}/{id}");
        var access = Assert.Single(token.GetProperty("service_token_accesses").EnumerateArray(), a => a.GetProperty("access").GetString() == "read_branch");
        Assert.Equal("payments", access.GetProperty("resource_name").GetString());
        Assert.Equal("Database", access.GetProperty("resource_type").GetString());
        Assert.Matches(IdPattern(), access.GetProperty("id").GetString());
        Assert.Matches(IdPattern(), access.GetProperty("resource_id").GetString());
        Assert.False(string.IsNullOrEmpty(access.GetProperty("description").GetString()));

        var (removed, _, _) = await SendAsync(HttpMethod.Delete, path, "{\"database\": \"payments\", \"access\": [\"read_branch\"]}");
        Assert.True((int)removed is >= 200 and < 300);

        var (shown, list, _) = await SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, shown);
        Assert.Equal(["connect_branch"], list.GetProperty("data").EnumerateArray().Select(a => a.GetProperty("access").GetString()));
    }

    [Fact]
    public async Task ShowAccess_TwoDatabases_AnswersListEnvelopeWithEveryAccess()
    {
        var id = (await CreateAsync()).GetProperty("id").GetString();
        var path = $"{TokensPath}/{id}/access";
        await SendAsync(HttpMethod.Post, path, "{\"database\": \"payments\", \"access\": [\"read_branch\"]}");
        await SendAsync(HttpMethod.Post, path, "{\"database\": \"inventory\", \"access\": [\"read_branch\", \"connect_branch\"]}");

        var (status, list, response) = await SendAsync(HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("list", list.GetProperty("type").GetString());
        Assert.Equal(3, list.GetProperty("total_count").GetInt32());
        Assert.Equal(JsonValueKind.Null, list.GetProperty("next_page").ValueKind);
        var shown = list.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(
            ["inventory/connect_branch", "inventory/read_branch", "payments/read_branch"],
            shown.Select(a => $"{a.GetProperty("resource_name").GetString()}/{a.GetProperty("access").GetString()}").Order(StringComparer.Ordinal));
        Assert.All(shown, a =>
        {
            Assert.Matches(IdPattern(), a.GetProperty("id").GetString());
            Assert.Matches(IdPattern(), a.GetProperty("resource_id").GetString());
            Assert.Equal("Database", a.GetProperty("resource_type").GetString());
            Assert.False(string.IsNullOrEmpty(a.GetProperty("description").GetString()));
        });
    }

    [Fact]
    public async Task ShowAccess_UnknownOrDeletedToken_Answers404NotFound()
    {
        var id = (await CreateAsync()).GetProperty("id").GetString();
        await SendAsync(HttpMethod.Delete, $"{TokensPath}/{id}");

        foreach (var target in new[] { id, "nosuchtoken0" })
        {
            var (status, body, _) = await SendAsync(HttpMethod.Get, $"{TokensPath}/{target}/access");
            Assert.Equal(HttpStatusCode.NotFound, status);
            AssertError(body, "not_found");
        }
    }

    [Fact]
    public async Task RemoveAccess_NotHeldOrOnAnotherDatabase_Answers2xxAndRemovesOnlyThat()
    {
        var id = (await CreateAsync()).GetProperty("id").GetString();
        var path = $"{TokensPath}/{id}/access";
        await SendAsync(HttpMethod.Post, path, "{\"database\": \"payments\", \"access\": [\"read_branch\"]}");
        await SendAsync(HttpMethod.Post, path, "{\"database\": \"inventory\", \"access\": [\"read_branch\"]}");

        // read_branch on inventory goes; the same name on payments stays; an access never held is no error.
        var (removed, _, _) = await SendAsync(HttpMethod.Delete, path, "{\"database\": \"inventory\", \"access\": [\"read_branch\", \"create_branch\"]}");

        Assert.True((int)removed is >= 200 and < 300);
        var (_, list, _) = await SendAsync(HttpMethod.Get, path);
        var left = Assert.Single(list.GetProperty("data").EnumerateArray());
        Assert.Equal(("payments", "read_branch"), (left.GetProperty("resource_name").GetString(), left.GetProperty("access").GetString()));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.UnprocessableEntity, "invalid_params")]
    [InlineData("{\"database\": \"payments\"}", HttpStatusCode.UnprocessableEntity, "invalid_params")]
    [InlineData("{\"database\": \"payments\", \"access\": []}", HttpStatusCode.UnprocessableEntity, "invalid_params")]
    [InlineData("{\"database\": \"payments\", \"access\": [\"read_everything\"]}", HttpStatusCode.UnprocessableEntity, "unprocessable")]
    [InlineData("{\"database\": \"nosuchdb\", \"access\": [\"read_branch\"]}", HttpStatusCode.NotFound, "not_found")]
    [InlineData("[\"read_branch\"]", HttpStatusCode.BadRequest, "bad_request")]
    public async Task RemoveAccess_BadBody_AnswersErrorAndKeepsGrants(string? json, HttpStatusCode expected, string code)
    {
        var id = (await CreateAsync()).GetProperty("id").GetString();
        var path = $"{TokensPath}/{id}/access";
        await SendAsync(HttpMethod.Post, path, "{\"database\": \"payments\", \"access\": [\"read_branch\"]}");

        var (status, body, _) = await SendAsync(HttpMethod.Delete, path, json);

        Assert.Equal(expected, status);
        AssertError(body, code);
        var (_, list, _) = await SendAsync(HttpMethod.Get, path);
        Assert.Equal(1, list.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task Access_ReadOnlyCredential_ShowsButCannotChange()
    {
        var id = (await CreateAsync()).GetProperty("id").GetString();
        var path = $"{TokensPath}/{id}/access";
        await SendAsync(HttpMethod.Post, path, "{\"database\": \"payments\", \"access\": [\"read_branch\"]}");
        var (readerId, readerToken) = _sim.AddServiceToken("read_service_tokens");
        var reader = $"{readerId}:{readerToken}";

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, path, credential: reader)).Status);
        var add = await SendAsync(HttpMethod.Post, path, "{\"database\": \"payments\", \"access\": [\"connect_branch\"]}", reader);
        var remove = await SendAsync(HttpMethod.Delete, path, "{\"database\": \"payments\", \"access\": [\"read_branch\"]}", reader);

        // PlanetScale hides what a credential may not change behind 404, as for every other call.
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (add.Status, remove.Status));
        var (_, list, _) = await SendAsync(HttpMethod.Get, path);
        Assert.Equal(["read_branch"], list.GetProperty("data").EnumerateArray().Select(a => a.GetProperty("access").GetString()));
    }

    [Fact]
    public async Task Access_UnknownAccessName_Answers422()
    {
        var id = (await CreateAsync()).GetProperty("id").GetString();
        var (status, body, _) = await SendAsync(HttpMethod.Post, $"{TokensPath}/{id}/access", "{\"database\": \"payments\", \"access\": [\"read_branch\", \"read_everything\"]}");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        AssertError(body, "unprocessable");
    }

    [Fact]
    public async Task Access_MissingAccessList_Answers422InvalidParams()
    {
        var id = (await CreateAsync()).GetProperty("id").GetString();
        var (status, body, _) = await SendAsync(HttpMethod.Post, $"{TokensPath}/{id}/access", "{\"database\": \"payments\"}");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        AssertError(body, "invalid_params");
    }

    [Fact]
    public async Task Access_UnknownDatabaseOrToken_Answers404()
    {
        var id = (await CreateAsync()).GetProperty("id").GetString();
        var database = await SendAsync(HttpMethod.Post, $"{TokensPath}/{id}/access", "{\"database\": \"nosuchdb\", \"access\": [\"read_branch\"]}");
        Assert.Equal(HttpStatusCode.NotFound, database.Status);
        AssertError(database.Body, "not_found");

        var token = await SendAsync(HttpMethod.Post, $"{TokensPath}/nosuchtoken0/access", "{\"database\": \"payments\", \"access\": [\"read_branch\"]}");
        Assert.Equal(HttpStatusCode.NotFound, token.Status);
    }

    [Fact]
    public async Task RateLimit_Exceeded_Answers429WithRetryAfterPerCredential()
    {
        await _sim.DisposeAsync();
        _sim = await StartAsync(new PlanetScaleSimulatorOptions { Time = _time, RateLimitPerMinute = 3 });
        var sim = _sim;
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, TokensPath)).Status);

        var (status, body, response) = await SendAsync(HttpMethod.Get, TokensPath);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        AssertError(body, "rate_limited");
        Assert.Equal(TimeSpan.FromSeconds(60), response.Headers.RetryAfter?.Delta);

        var (otherId, otherToken) = sim.AddServiceToken("read_service_tokens");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, TokensPath, credential: $"{otherId}:{otherToken}")).Status);

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, TokensPath)).Status);
    }

    [Fact]
    public async Task Faults_Burst429_AnswersRetryAfterThenRecovers()
    {
        var (set, _, _) = await SendAsync(HttpMethod.Post, "/_sandbox/faults", "{\"burst429\": 2, \"retryAfterSeconds\": 7}");
        Assert.Equal(HttpStatusCode.OK, set);

        for (var i = 0; i < 2; i++)
        {
            var (status, body, response) = await SendAsync(HttpMethod.Get, TokensPath);
            Assert.Equal(HttpStatusCode.TooManyRequests, status);
            AssertError(body, "rate_limited");
            Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
        }

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, TokensPath)).Status);
    }

    [Fact]
    public async Task Faults_ErrorRate_AnswersErrorStatusButNotOnSandboxPaths()
    {
        await SendAsync(HttpMethod.Post, "/_sandbox/faults", "{\"errorRate\": 1.0, \"errorStatus\": 503}");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await SendAsync(HttpMethod.Get, TokensPath)).Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await SendAsync(HttpMethod.Post, TokensPath, "{}")).Status);
        var (status, settings, _) = await SendAsync(HttpMethod.Get, "/_sandbox/faults");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(503, settings.GetProperty("errorStatus").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/_sandbox/tokens")).Status);
    }

    [Fact]
    public async Task Faults_Latency_DelaysVendorCalls()
    {
        await SendAsync(HttpMethod.Post, "/_sandbox/faults", "{\"latencyMs\": 300}");
        var watch = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, TokensPath)).Status);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(290), $"answered after {watch.Elapsed}");
    }

    [Fact]
    public async Task RequestCount_CountsVendorCallsOnly()
    {
        var before = _sim.RequestCount;
        await SendAsync(HttpMethod.Get, TokensPath);
        await SendAsync(HttpMethod.Get, TokensPath, credential: "bad:credential");
        await SendAsync(HttpMethod.Get, "/_sandbox/tokens");
        Assert.Equal(before + 2, _sim.RequestCount);
    }

    [Fact]
    public async Task SandboxTokens_ListsIssuedTokensWithLiveness()
    {
        var kept = (await CreateAsync("kept")).GetProperty("id").GetString();
        var revoked = (await CreateAsync("revoked")).GetProperty("id").GetString();
        _time.Advance(TimeSpan.FromMinutes(1));
        await SendAsync(HttpMethod.Delete, $"{TokensPath}/{revoked}");

        var (status, body, _) = await SendAsync(HttpMethod.Get, "/_sandbox/tokens");
        Assert.Equal(HttpStatusCode.OK, status);
        var records = body.EnumerateArray().ToDictionary(t => t.GetProperty("id").GetString()!);
        Assert.Equal(2, records.Count); // the seeded admin credential is not an issued token
        Assert.True(records[kept!].GetProperty("live").GetBoolean());
        Assert.Equal("kept", records[kept!].GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, records[kept!].GetProperty("revokedAt").ValueKind);
        Assert.False(records[revoked!].GetProperty("live").GetBoolean());
        Assert.Equal(_time.GetUtcNow(), records[revoked!].GetProperty("revokedAt").GetDateTimeOffset());

        var fromApi = _sim.Tokens();
        Assert.Equal(2, fromApi.Count);
        Assert.Contains(fromApi, t => t.Id == revoked && !t.Live && t.RevokedAt is not null);
    }

    [Fact]
    public async Task AnyCall_UnknownPath_Answers404NotFound()
    {
        var (status, body, _) = await SendAsync(HttpMethod.Get, "/v1/organizations");
        Assert.Equal(HttpStatusCode.NotFound, status);
        AssertError(body, "not_found");
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Put, TokensPath, "{}")).Status);
    }

    [Fact]
    public void AddServiceToken_UnknownAccess_Throws()
    {
        Assert.Throws<ArgumentException>(() => _sim.AddServiceToken("read_branch"));
    }
}
