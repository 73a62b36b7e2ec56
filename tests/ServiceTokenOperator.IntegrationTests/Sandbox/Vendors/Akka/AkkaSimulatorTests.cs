using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using ServiceTokenOperator.Akka.Grpc.Auth;
using ServiceTokenOperator.Akka.Grpc.Projects;
using ServiceTokenOperator.Sandbox.Vendors;
using ServiceTokenOperator.Sandbox.Vendors.Akka;

namespace ServiceTokenOperator.IntegrationTests.Sandbox.Vendors.Akka;

public sealed class AkkaSimulatorTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Task<AkkaSimulator> StartAsync(FakeTimeProvider time, Func<AkkaSimulatorOptions, AkkaSimulatorOptions>? configure = null)
    {
        var options = new AkkaSimulatorOptions { Time = time, AccessTokenLifetime = TimeSpan.FromHours(1) };
        return AkkaSimulator.StartAsync(configure is null ? options : configure(options));
    }

    [Fact]
    public async Task CreateAccessToken_AdminRefreshToken_ReturnsTokenExpiringAfterLifetime()
    {
        var time = new FakeTimeProvider(Start);
        await using var simulator = await StartAsync(time);
        using var session = new AkkaGrpcSession(simulator);

        var answer = await session.Auth.CreateAccessTokenAsync(new CreateAccessTokenRequest(), AkkaGrpcSession.Bearer(simulator.AdminRefreshToken));

        Assert.NotEmpty(answer.Token);
        Assert.NotEmpty(answer.Subject);
        Assert.Equal(Start, answer.CreatedTime.ToDateTimeOffset());
        Assert.Equal(Start.AddHours(1), answer.ExpireTime.ToDateTimeOffset());
        Assert.Equal([TokenScope.All], answer.Scopes);
        Assert.StartsWith("http://127.0.0.1:", simulator.GrpcUrl.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer not-a-known-token")]
    [InlineData("Basic abc")]
    [InlineData(null)]
    public async Task CreateAccessToken_UnknownOrMissingCredential_Unauthenticated(string? authorization)
    {
        await using var simulator = await StartAsync(new FakeTimeProvider(Start));
        using var session = new AkkaGrpcSession(simulator);
        var headers = new Metadata();
        if (authorization is not null) headers.Add("authorization", authorization);

        var e = await Assert.ThrowsAsync<RpcException>(() => session.Auth.CreateAccessTokenAsync(new CreateAccessTokenRequest(), headers).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
    }

    [Fact]
    public async Task CreateToken_ProjectAdmin_ReturnsCst4ValueNameAndScopes()
    {
        var time = new FakeTimeProvider(Start);
        await using var simulator = await StartAsync(time);
        using var session = new AkkaGrpcSession(simulator);

        var answer = await session.CreateTokenAsync("ci-deployer", TokenScope.Execution, TokenScope.ContainerRegistry);

        Assert.Matches(new Regex("^cst4\\.[0-9a-f]{64}$"), answer.Value);
        var match = Regex.Match(answer.Token.Name, "^projects/([^/]+)/tokens/([^/]+)$");
        Assert.True(match.Success, answer.Token.Name);
        Assert.Equal(simulator.Project, match.Groups[1].Value);
        Assert.True(Guid.TryParse(match.Groups[2].Value, out _));
        Assert.Equal("ci-deployer", answer.Token.Description);
        Assert.Equal(Start, answer.Token.CreatedTime.ToDateTimeOffset());
        Assert.Null(answer.Token.ExpireTime);
        Assert.Equal([TokenScope.Execution, TokenScope.ContainerRegistry], answer.Token.Scopes);
    }

    [Fact]
    public async Task CreateToken_WithoutScopes_DefaultsToAll()
    {
        await using var simulator = await StartAsync(new FakeTimeProvider(Start));
        using var session = new AkkaGrpcSession(simulator);

        var answer = await session.CreateTokenAsync("no-scopes");

        Assert.Equal([TokenScope.All], answer.Token.Scopes);
    }

    [Fact]
    public async Task CreateToken_RawBytesOnTheWire_UseTheContractFieldNumbers()
    {
        await using var simulator = await StartAsync(new FakeTimeProvider(Start));
        using var session = new AkkaGrpcSession(simulator);
        var request = new CreateTokenRequest { Parent = session.Parent, Description = "d" };
        request.Scopes.Add(TokenScope.Execution);
        var requestBytes = request.ToByteArray();
        var raw = new Method<byte[], byte[]>(MethodType.Unary, "kalix.projects.v1alpha.Projects", "CreateToken", Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));

        var responseBytes = await session.Channel.CreateCallInvoker().AsyncUnaryCall(raw, null, new CallOptions(await session.AdminAsync()), requestBytes);

        // Request: parent = 1 (0x0A), description = 2 (0x12), scopes = 3 packed (0x1A, length 1, EXECUTION = 3).
        Assert.Equal(0x0A, requestBytes[0]);
        Assert.Equal([0x12, 0x01, (byte)'d', 0x1A, 0x01, 0x03], requestBytes[^6..]);
        var fields = TopLevelFields(responseBytes);
        Assert.Equal(WireFormat.WireType.LengthDelimited, fields[1]);
        Assert.Equal(WireFormat.WireType.LengthDelimited, fields[2]);
        var token = ServiceTokenValue.Parser.ParseFrom(responseBytes).Token;
        var tokenFields = TopLevelFields(token.ToByteArray());
        Assert.Equal([1, 2, 3, 5], tokenFields.Keys.Order());
        Assert.Equal(4, ServiceToken.Descriptor.FindFieldByName("expire_time").FieldNumber);
        Assert.Equal(5, AccessToken.Descriptor.FindFieldByName("scopes").FieldNumber);
        Assert.Equal(3, ListTokensRequest.Descriptor.FindFieldByName("page_token").FieldNumber);
        Assert.Equal(2, ListTokensResponse.Descriptor.FindFieldByName("next_page_token").FieldNumber);
        Assert.Equal(1, DeleteTokenRequest.Descriptor.FindFieldByName("name").FieldNumber);
    }

    [Fact]
    public async Task CreateAccessToken_RawResponseBytes_UseTheContractFieldNumbers()
    {
        await using var simulator = await StartAsync(new FakeTimeProvider(Start));
        using var session = new AkkaGrpcSession(simulator);
        var raw = new Method<byte[], byte[]>(MethodType.Unary, "kalix.auth.v1alpha.Auth", "CreateAccessToken", Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));

        var bytes = await session.Channel.CreateCallInvoker().AsyncUnaryCall(raw, null, new CallOptions(AkkaGrpcSession.Bearer(simulator.AdminRefreshToken)), []);

        // subject = 1, token = 2, created_time = 3, expire_time = 4, scopes = 5 (ALL packed as one zero).
        Assert.Equal([1, 2, 3, 4, 5], TopLevelFields(bytes).Keys.Order());
    }

    [Fact]
    public async Task Projects_NonAdminUser_PermissionDenied()
    {
        await using var simulator = await StartAsync(new FakeTimeProvider(Start));
        using var session = new AkkaGrpcSession(simulator);
        var access = await session.AccessTokenAsync(simulator.AddUserRefreshToken(projectAdmin: false));

        var e = await Assert.ThrowsAsync<RpcException>(() => session.Projects.ListTokensAsync(new ListTokensRequest { Parent = session.Parent }, AkkaGrpcSession.Bearer(access)).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
    }

    [Fact]
    public async Task Projects_AccessTokenOfAServiceToken_PermissionDenied()
    {
        await using var simulator = await StartAsync(new FakeTimeProvider(Start));
        using var session = new AkkaGrpcSession(simulator);
        var serviceToken = await session.CreateTokenAsync("svc", TokenScope.All);
        var access = await session.AccessTokenAsync(serviceToken.Value);

        var e = await Assert.ThrowsAsync<RpcException>(() => session.Projects.CreateTokenAsync(new CreateTokenRequest { Parent = session.Parent, Description = "x" }, AkkaGrpcSession.Bearer(access)).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
    }

    [Fact]
    public async Task Projects_SecondAdminUser_MayManageTokens()
    {
        await using var simulator = await StartAsync(new FakeTimeProvider(Start));
        using var session = new AkkaGrpcSession(simulator);
        var access = await session.AccessTokenAsync(simulator.AddUserRefreshToken(projectAdmin: true));

        var answer = await session.Projects.ListTokensAsync(new ListTokensRequest { Parent = session.Parent }, AkkaGrpcSession.Bearer(access));

        Assert.Empty(answer.Tokens);
    }

    [Theory]
    [InlineData("bearer-of-nothing")]
    [InlineData("refresh")]
    public async Task Projects_NotAnAccessToken_Unauthenticated(string kind)
    {
        await using var simulator = await StartAsync(new FakeTimeProvider(Start));
        using var session = new AkkaGrpcSession(simulator);
        // A refresh token is no access token: only CreateAccessToken accepts it.
        var bearer = kind == "refresh" ? simulator.AdminRefreshToken : "akka-at.0000";

        var e = await Assert.ThrowsAsync<RpcException>(() => session.Projects.ListTokensAsync(new ListTokensRequest { Parent = session.Parent }, AkkaGrpcSession.Bearer(bearer)).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
    }

    [Fact]
    public async Task Projects_AccessTokenPastExpireTime_Unauthenticated()
    {
        var time = new FakeTimeProvider(Start);
        await using var simulator = await StartAsync(time);
        using var session = new AkkaGrpcSession(simulator);
        var admin = await session.AdminAsync();
        await session.Projects.ListTokensAsync(new ListTokensRequest { Parent = session.Parent }, admin);

        time.Advance(TimeSpan.FromHours(1));

        var e = await Assert.ThrowsAsync<RpcException>(() => session.Projects.ListTokensAsync(new ListTokensRequest { Parent = session.Parent }, admin).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
    }

    [Theory]
    [InlineData("project/x")]
    [InlineData("projects/not-a-uuid")]
    [InlineData("")]
    public async Task CreateToken_MalformedParent_InvalidArgument(string parent)
    {
        await using var simulator = await StartAsync(new FakeTimeProvider(Start));
        using var session = new AkkaGrpcSession(simulator);
        var admin = await session.AdminAsync();

        var e = await Assert.ThrowsAsync<RpcException>(() => session.Projects.CreateTokenAsync(new CreateTokenRequest { Parent = parent }, admin).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
    }

    [Fact]
    public async Task ListTokens_OtherProject_PermissionDenied()
    {
        await using var simulator = await StartAsync(new FakeTimeProvider(Start));
        using var session = new AkkaGrpcSession(simulator);

        var e = await Assert.ThrowsAsync<RpcException>(async () => await session.Projects.ListTokensAsync(new ListTokensRequest { Parent = "projects/" + Guid.NewGuid() }, await session.AdminAsync()));

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
    }

    [Fact]
    public async Task CreateToken_UserScope_InvalidArgument()
    {
        await using var simulator = await StartAsync(new FakeTimeProvider(Start));
        using var session = new AkkaGrpcSession(simulator);

        var e = await Assert.ThrowsAsync<RpcException>(() => session.CreateTokenAsync("x", TokenScope.User));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
    }

    [Fact]
    public async Task ListTokens_PageSize_PagesThroughEveryLiveTokenOnce()
    {
        var time = new FakeTimeProvider(Start);
        await using var simulator = await StartAsync(time);
        using var session = new AkkaGrpcSession(simulator);
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            created.Add((await session.CreateTokenAsync($"t{i}")).Token.Name);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var admin = await session.AdminAsync();
        var pages = new List<int>();
        var seen = new List<string>();
        var pageToken = "";
        do
        {
            var page = await session.Projects.ListTokensAsync(new ListTokensRequest { Parent = session.Parent, PageSize = 3, PageToken = pageToken }, admin);
            pages.Add(page.Tokens.Count);
            seen.AddRange(page.Tokens.Select(t => t.Name));
            pageToken = page.NextPageToken;
        }
        while (pageToken.Length > 0 && pages.Count < 10);

        Assert.Equal([3, 3, 1], pages);
        Assert.Equal(created, seen);
    }

    [Fact]
    public async Task ListTokens_NoPageSize_UsesDefaultAndSkipsDeletedTokens()
    {
        await using var simulator = await StartAsync(new FakeTimeProvider(Start), o => o with { PageSizeDefault = 2 });
        using var session = new AkkaGrpcSession(simulator);
        var first = await session.CreateTokenAsync("a");
        await session.CreateTokenAsync("b");
        await session.CreateTokenAsync("c");
        var admin = await session.AdminAsync();
        await session.Projects.DeleteTokenAsync(new DeleteTokenRequest { Name = first.Token.Name }, admin);

        var page = await session.Projects.ListTokensAsync(new ListTokensRequest { Parent = session.Parent }, admin);

        Assert.Equal(["b", "c"], page.Tokens.Select(t => t.Description).Order());
        Assert.Equal("", page.NextPageToken);
    }

    [Fact]
    public async Task ListTokens_GarbagePageToken_InvalidArgument()
    {
        await using var simulator = await StartAsync(new FakeTimeProvider(Start));
        using var session = new AkkaGrpcSession(simulator);

        var e = await Assert.ThrowsAsync<RpcException>(async () => await session.Projects.ListTokensAsync(new ListTokensRequest { Parent = session.Parent, PageToken = "!!!" }, await session.AdminAsync()));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
    }

    [Fact]
    public async Task DeleteToken_UnknownOrAlreadyDeleted_NotFound()
    {
        await using var simulator = await StartAsync(new FakeTimeProvider(Start));
        using var session = new AkkaGrpcSession(simulator);
        var token = await session.CreateTokenAsync("once");
        var admin = await session.AdminAsync();
        await session.Projects.DeleteTokenAsync(new DeleteTokenRequest { Name = token.Token.Name }, admin);

        var again = await Assert.ThrowsAsync<RpcException>(() => session.Projects.DeleteTokenAsync(new DeleteTokenRequest { Name = token.Token.Name }, admin).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => session.Projects.DeleteTokenAsync(new DeleteTokenRequest { Name = $"{session.Parent}/tokens/{Guid.NewGuid()}" }, admin).ResponseAsync);
        var malformed = await Assert.ThrowsAsync<RpcException>(() => session.Projects.DeleteTokenAsync(new DeleteTokenRequest { Name = "tokens/x" }, admin).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, again.StatusCode);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
    }

    [Fact]
    public async Task CreateAccessToken_DeletedServiceToken_Unauthenticated()
    {
        await using var simulator = await StartAsync(new FakeTimeProvider(Start));
        using var session = new AkkaGrpcSession(simulator);
        var token = await session.CreateTokenAsync("short-lived", TokenScope.Execution);
        var derived = await session.Auth.CreateAccessTokenAsync(new CreateAccessTokenRequest(), AkkaGrpcSession.Bearer(token.Value));
        await session.Projects.DeleteTokenAsync(new DeleteTokenRequest { Name = token.Token.Name }, await session.AdminAsync());

        var e = await Assert.ThrowsAsync<RpcException>(() => session.Auth.CreateAccessTokenAsync(new CreateAccessTokenRequest(), AkkaGrpcSession.Bearer(token.Value)).ResponseAsync);

        Assert.Equal([TokenScope.Execution], derived.Scopes);
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
    }

    [Fact]
    public async Task AnyRpc_OverRateLimit_ResourceExhaustedWithRetryAfter()
    {
        var time = new FakeTimeProvider(Start);
        await using var simulator = await StartAsync(time, o => o with { RateLimitPerMinute = 2 });
        using var session = new AkkaGrpcSession(simulator);
        var headers = AkkaGrpcSession.Bearer(simulator.AdminRefreshToken);
        await session.Auth.CreateAccessTokenAsync(new CreateAccessTokenRequest(), headers);
        await session.Auth.CreateAccessTokenAsync(new CreateAccessTokenRequest(), headers);

        var e = await Assert.ThrowsAsync<RpcException>(() => session.Auth.CreateAccessTokenAsync(new CreateAccessTokenRequest(), headers).ResponseAsync);
        time.Advance(TimeSpan.FromMinutes(1));
        var afterWindow = await session.Auth.CreateAccessTokenAsync(new CreateAccessTokenRequest(), headers);

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Equal("60", e.Trailers.GetValue("retry-after"));
        Assert.NotEmpty(afterWindow.Token);
        Assert.Equal(4, simulator.RequestCount);
    }

    [Fact]
    public async Task Faults_PostedOnInspectPort_MapToGrpcStatuses()
    {
        await using var simulator = await StartAsync(new FakeTimeProvider(Start));
        using var session = new AkkaGrpcSession(simulator);
        using var http = new HttpClient { BaseAddress = simulator.InspectUrl };
        var headers = AkkaGrpcSession.Bearer(simulator.AdminRefreshToken);

        (await http.PostAsJsonAsync("/_sandbox/faults", new FaultSettings { Burst429 = 1, RetryAfterSeconds = 7 })).EnsureSuccessStatusCode();
        var throttled = await Assert.ThrowsAsync<RpcException>(() => session.Auth.CreateAccessTokenAsync(new CreateAccessTokenRequest(), headers).ResponseAsync);
        (await http.PostAsJsonAsync("/_sandbox/faults", new FaultSettings { ErrorRate = 1, ErrorStatus = 503 })).EnsureSuccessStatusCode();
        var unavailable = await Assert.ThrowsAsync<RpcException>(() => session.Auth.CreateAccessTokenAsync(new CreateAccessTokenRequest(), headers).ResponseAsync);
        (await http.PostAsJsonAsync("/_sandbox/faults", new FaultSettings())).EnsureSuccessStatusCode();
        var healthy = await session.Auth.CreateAccessTokenAsync(new CreateAccessTokenRequest(), headers);

        Assert.Equal(StatusCode.ResourceExhausted, throttled.StatusCode);
        Assert.Equal("7", throttled.Trailers.GetValue("retry-after"));
        Assert.Equal(StatusCode.Unavailable, unavailable.StatusCode);
        Assert.NotEmpty(healthy.Token);
    }

    [Fact]
    public async Task SandboxTokens_OnInspectPort_ListLiveAndRevokedTokens()
    {
        var time = new FakeTimeProvider(Start);
        await using var simulator = await StartAsync(time);
        using var session = new AkkaGrpcSession(simulator);
        using var http = new HttpClient { BaseAddress = simulator.InspectUrl };
        var kept = await session.CreateTokenAsync("kept");
        var revoked = await session.CreateTokenAsync("revoked");
        time.Advance(TimeSpan.FromMinutes(5));
        await session.Projects.DeleteTokenAsync(new DeleteTokenRequest { Name = revoked.Token.Name }, await session.AdminAsync());

        using var json = JsonDocument.Parse(await http.GetStringAsync("/_sandbox/tokens"));

        var records = json.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        Assert.Equal(2, records.Count);
        Assert.True(records["kept"].GetProperty("live").GetBoolean());
        Assert.Equal(kept.Token.Name.Split('/')[^1], records["kept"].GetProperty("id").GetString());
        Assert.False(records["revoked"].GetProperty("live").GetBoolean());
        Assert.Equal(Start.AddMinutes(5), records["revoked"].GetProperty("revokedAt").GetDateTimeOffset());
        Assert.DoesNotContain(kept.Value, json.RootElement.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(2, simulator.Tokens().Count);
    }

    private static Dictionary<int, WireFormat.WireType> TopLevelFields(byte[] bytes)
    {
        var fields = new Dictionary<int, WireFormat.WireType>();
        var input = new CodedInputStream(bytes);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            fields[WireFormat.GetTagFieldNumber(tag)] = WireFormat.GetTagWireType(tag);
            input.SkipLastField();
        }

        return fields;
    }
}
