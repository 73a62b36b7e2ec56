using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using ServiceTokenOperator.Akka.Grpc.Auth;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.IntegrationTests.Sandbox.Vendors.Akka;
using ServiceTokenOperator.Providers;
using ServiceTokenOperator.Providers.Akka;
using ServiceTokenOperator.Sandbox.Vendors;
using ServiceTokenOperator.Sandbox.Vendors.Akka;

namespace ServiceTokenOperator.IntegrationTests.Providers.Akka;

public sealed class AkkaProviderTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly RecordingLoggerFactory _logs = new();

    [Fact]
    public async Task CreateAsync_ScopesInSpec_IssuesTokenWithMappedScopesAndSecretValues()
    {
        await using var simulator = await StartAsync();
        using var provider = Connect(simulator);

        var issued = await provider.CreateAsync(Request("st-c1-payments-deployer-r1", "execution", "Container_Registry"), CancellationToken.None);

        Assert.True(Guid.TryParse(issued.TokenId, out _));
        Assert.Equal("st-c1-payments-deployer-r1", issued.Name);
        Assert.Equal(Start, issued.CreatedAt);
        Assert.Null(issued.ExpiresAt);
        Assert.Equal("AKKA_TOKEN", issued.Values.TokenKey);
        Assert.StartsWith("cst4.", issued.Values["AKKA_TOKEN"], StringComparison.Ordinal);
        Assert.Equal(simulator.Project, issued.Values["AKKA_PROJECT"]);
        var record = Assert.Single(simulator.Tokens());
        Assert.Equal((issued.TokenId, "st-c1-payments-deployer-r1", true), (record.Id, record.Name, record.Live));
        using var session = new AkkaGrpcSession(simulator);
        var derived = await session.Auth.CreateAccessTokenAsync(new CreateAccessTokenRequest(), AkkaGrpcSession.Bearer(issued.Values["AKKA_TOKEN"]));
        Assert.Equal([TokenScope.Execution, TokenScope.ContainerRegistry], derived.Scopes);
    }

    [Fact]
    public async Task CreateAsync_NoScopes_RequestsAll()
    {
        await using var simulator = await StartAsync();
        using var provider = Connect(simulator);

        var issued = await provider.CreateAsync(new TokenRequest("plain", new ServiceTokenSpec()), CancellationToken.None);

        using var session = new AkkaGrpcSession(simulator);
        var derived = await session.Auth.CreateAccessTokenAsync(new CreateAccessTokenRequest(), AkkaGrpcSession.Bearer(issued.Values["AKKA_TOKEN"]));
        Assert.Equal([TokenScope.All], derived.Scopes);
    }

    [Fact]
    public async Task VerifyAsync_NewToken_Succeeds_RevokedToken_CredentialRejected()
    {
        await using var simulator = await StartAsync();
        using var provider = Connect(simulator);
        var issued = await provider.CreateAsync(Request("verify-me"), CancellationToken.None);

        await provider.VerifyAsync(issued, CancellationToken.None);
        await provider.RevokeAsync(issued.TokenId, CancellationToken.None);
        var e = await Assert.ThrowsAsync<VendorException>(() => provider.VerifyAsync(issued, CancellationToken.None));

        Assert.Equal(VendorErrorKind.CredentialRejected, e.Kind);
        Assert.Contains(issued.TokenId, e.Message, StringComparison.Ordinal);
        AssertNoSecrets(simulator, e, issued.Values["AKKA_TOKEN"]);
    }

    [Fact]
    public async Task RevokeAsync_Twice_IsIdempotentAndTheTokenIsGone()
    {
        await using var simulator = await StartAsync();
        using var provider = Connect(simulator);
        var issued = await provider.CreateAsync(Request("revoke-me"), CancellationToken.None);

        await provider.RevokeAsync(issued.TokenId, CancellationToken.None);
        await provider.RevokeAsync(issued.TokenId, CancellationToken.None);

        var record = Assert.Single(simulator.Tokens());
        Assert.False(record.Live);
        Assert.Empty(await ToListAsync(provider.ListAsync(CancellationToken.None)));
    }

    [Fact]
    public async Task ListAsync_MoreTokensThanOnePage_FollowsNextPageToken()
    {
        await using var simulator = await StartAsync();
        using var provider = Connect(simulator);
        var created = new List<string>();
        for (var i = 0; i < 103; i++)
        {
            created.Add((await provider.CreateAsync(Request($"t{i:000}"), CancellationToken.None)).TokenId);
            _time.Advance(TimeSpan.FromMilliseconds(10));
        }

        var listed = await ToListAsync(provider.ListAsync(CancellationToken.None));

        Assert.Equal(created, listed.Select(t => t.TokenId));
        Assert.Equal("t000", listed[0].Name);
        Assert.Equal(Start, listed[0].CreatedAt);
    }

    [Fact]
    public async Task UpdateGrantsAsync_NewScopes_AnswersFalseAndLeavesTheTokenAsIs()
    {
        // Akka has no call that changes a token's scopes: the operator must issue a new token.
        await using var simulator = await StartAsync();
        using var provider = Connect(simulator);
        var issued = await provider.CreateAsync(Request("scoped", "execution"), CancellationToken.None);
        var before = simulator.RequestCount;

        Assert.False(await provider.UpdateGrantsAsync(issued.TokenId, Request("scoped", "projects").Spec, CancellationToken.None));

        Assert.Equal(before, simulator.RequestCount);
        Assert.True(Assert.Single(simulator.Tokens()).Live);
    }

    [Fact]
    public async Task CheckCredentialAsync_Repeated_ExchangesTheRefreshTokenOnce()
    {
        await using var simulator = await StartAsync();
        using var provider = Connect(simulator);

        await provider.CheckCredentialAsync(CancellationToken.None);
        var afterFirst = simulator.RequestCount;
        await provider.CheckCredentialAsync(CancellationToken.None);
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => provider.CheckCredentialAsync(CancellationToken.None)));

        Assert.Equal(2, afterFirst);
        Assert.Equal(afterFirst + 6, simulator.RequestCount);
    }

    [Fact]
    public async Task CheckCredentialAsync_AccessTokenNearExpiry_RenewsBeforeExpireTime()
    {
        await using var simulator = await StartAsync();
        using var provider = Connect(simulator);
        await provider.CheckCredentialAsync(CancellationToken.None);

        _time.Advance(TimeSpan.FromMinutes(58));
        var before = simulator.RequestCount;
        await provider.CheckCredentialAsync(CancellationToken.None);
        var cachedCalls = simulator.RequestCount - before;
        _time.Advance(TimeSpan.FromSeconds(90));
        before = simulator.RequestCount;
        await provider.CheckCredentialAsync(CancellationToken.None);

        Assert.Equal(1, cachedCalls);
        Assert.Equal(2, simulator.RequestCount - before);
    }

    [Fact]
    public async Task CheckCredentialAsync_ServerRejectsCachedAccessToken_RenewsAndRetriesOnce()
    {
        var simulatorTime = new FakeTimeProvider(Start);
        await using var simulator = await AkkaSimulator.StartAsync(new AkkaSimulatorOptions { Time = simulatorTime });
        using var provider = Connect(simulator);
        await provider.CheckCredentialAsync(CancellationToken.None);

        // The server's clock runs past expire_time while the operator's does not.
        simulatorTime.Advance(TimeSpan.FromHours(2));
        var before = simulator.RequestCount;
        await provider.CheckCredentialAsync(CancellationToken.None);

        Assert.Equal(3, simulator.RequestCount - before);
    }

    [Fact]
    public async Task CheckCredentialAsync_UnknownRefreshToken_CredentialRejected()
    {
        await using var simulator = await StartAsync();
        using var provider = Connect(simulator, "akka-rt.not-a-real-refresh-token");

        var e = await Assert.ThrowsAsync<VendorException>(() => provider.CheckCredentialAsync(CancellationToken.None));

        Assert.Equal(VendorErrorKind.CredentialRejected, e.Kind);
        Assert.Contains("UNAUTHENTICATED", e.Message, StringComparison.Ordinal);
        AssertNoSecrets(simulator, e, "akka-rt.not-a-real-refresh-token");
    }

    [Fact]
    public async Task CheckCredentialAsync_NonAdminUser_PermissionDeniedNamingTheRule()
    {
        await using var simulator = await StartAsync();
        var refreshToken = simulator.AddUserRefreshToken(projectAdmin: false);
        using var provider = Connect(simulator, refreshToken);

        var e = await Assert.ThrowsAsync<VendorException>(() => provider.CheckCredentialAsync(CancellationToken.None));

        Assert.Equal(VendorErrorKind.PermissionDenied, e.Kind);
        Assert.Equal(AkkaProvider.PermissionDeniedMessage, e.Message);
        AssertNoSecrets(simulator, e, refreshToken);
    }

    [Fact]
    public async Task CheckCredentialAsync_ProjectServiceTokenAsCredential_PermissionDenied()
    {
        await using var simulator = await StartAsync();
        using var admin = Connect(simulator);
        var serviceToken = await admin.CreateAsync(Request("not-an-admin"), CancellationToken.None);
        using var provider = Connect(simulator, serviceToken.Values["AKKA_TOKEN"]);

        var e = await Assert.ThrowsAsync<VendorException>(() => provider.CheckCredentialAsync(CancellationToken.None));

        Assert.Equal(VendorErrorKind.PermissionDenied, e.Kind);
        AssertNoSecrets(simulator, e, serviceToken.Values["AKKA_TOKEN"]);
    }

    [Fact]
    public async Task CreateAsync_InjectedFaults_MapToTransientKinds()
    {
        await using var simulator = await StartAsync();
        using var provider = Connect(simulator);
        await provider.CheckCredentialAsync(CancellationToken.None);

        simulator.Faults.Apply(new FaultSettings { ErrorRate = 1, ErrorStatus = 503 });
        var unavailable = await Assert.ThrowsAsync<VendorException>(() => provider.CreateAsync(Request("x"), CancellationToken.None));
        simulator.Faults.Apply(new FaultSettings { Burst429 = 1, RetryAfterSeconds = 7 });
        var throttled = await Assert.ThrowsAsync<VendorException>(() => provider.CreateAsync(Request("x"), CancellationToken.None));
        var recovered = await provider.CreateAsync(Request("x"), CancellationToken.None);

        Assert.Equal(VendorErrorKind.Unavailable, unavailable.Kind);
        Assert.True(unavailable.IsTransient);
        Assert.Equal(VendorErrorKind.RateLimited, throttled.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), throttled.RetryAfter);
        AssertNoSecrets(simulator, unavailable, recovered.Values["AKKA_TOKEN"]);
        AssertNoSecrets(simulator, throttled, recovered.Values["AKKA_TOKEN"]);
    }

    [Fact]
    public async Task CreateAsync_RateLimitExceeded_RateLimited()
    {
        await using var simulator = await AkkaSimulator.StartAsync(new AkkaSimulatorOptions { Time = _time, RateLimitPerMinute = 1 });
        using var provider = Connect(simulator);
        // The limit counts per credential: the access token's first call passes, its second does not.
        await provider.CheckCredentialAsync(CancellationToken.None);

        var e = await Assert.ThrowsAsync<VendorException>(() => provider.CreateAsync(Request("x"), CancellationToken.None));

        Assert.Equal(VendorErrorKind.RateLimited, e.Kind);
        Assert.Equal(TimeSpan.FromSeconds(60), e.RetryAfter);
    }

    [Fact]
    public async Task RevokeAsync_SlowerThanCallTimeout_UnavailableDeadlineExceeded()
    {
        await using var simulator = await StartAsync();
        using var provider = Connect(simulator, callTimeout: TimeSpan.FromMilliseconds(300));
        await provider.CheckCredentialAsync(CancellationToken.None);
        simulator.Faults.Apply(new FaultSettings { LatencyMs = 5_000 });

        var e = await Assert.ThrowsAsync<VendorException>(() => provider.RevokeAsync(Guid.NewGuid().ToString(), CancellationToken.None));

        Assert.Equal(VendorErrorKind.Unavailable, e.Kind);
        Assert.Contains("DEADLINE_EXCEEDED", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_ReconcileCancelled_ThrowsOperationCanceled()
    {
        await using var simulator = await StartAsync();
        using var provider = Connect(simulator);
        await provider.CheckCredentialAsync(CancellationToken.None);
        simulator.Faults.Apply(new FaultSettings { LatencyMs = 5_000 });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ToListAsync(provider.ListAsync(cancel.Token)));
    }

    [Fact]
    public async Task CheckCredentialAsync_NothingListening_Unavailable()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var account = new IssuerAccount("ClusterTokenIssuer/closed", new TokenIssuerSpec { Akka = new AkkaIssuer { Project = Guid.NewGuid().ToString(), ApiHost = $"127.0.0.1:{port}", Insecure = true } }, Credentials("akka-rt.x"));
        using var provider = (AkkaProvider)Vendor().Connect(account);

        var e = await Assert.ThrowsAsync<VendorException>(() => provider.CheckCredentialAsync(CancellationToken.None));

        Assert.Equal(VendorErrorKind.Unavailable, e.Kind);
    }

    [Fact]
    public async Task Connect_InsecureNotSet_UsesTlsAndFailsAgainstPlaintextSimulator()
    {
        await using var simulator = await StartAsync();
        var account = Account(simulator, simulator.AdminRefreshToken);
        account.Spec.Akka!.Insecure = null;
        using var provider = (AkkaProvider)Vendor().Connect(account);

        var e = await Assert.ThrowsAsync<VendorException>(() => provider.CheckCredentialAsync(CancellationToken.None));

        Assert.Equal(VendorErrorKind.Unavailable, e.Kind);
        Assert.Equal(0, simulator.RequestCount);
    }

    [Fact]
    public async Task Dispose_Twice_IsSafeAndLaterCallsFailFast()
    {
        await using var simulator = await StartAsync();
        var provider = Connect(simulator);
        await provider.CheckCredentialAsync(CancellationToken.None);

        provider.Dispose();
        provider.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => provider.RevokeAsync(Guid.NewGuid().ToString(), CancellationToken.None));
    }

    private Task<AkkaSimulator> StartAsync() => AkkaSimulator.StartAsync(new AkkaSimulatorOptions { Time = _time, AccessTokenLifetime = TimeSpan.FromHours(1) });

    private AkkaVendor Vendor(TimeSpan? callTimeout = null) => new(_time, _logs) { CallTimeout = callTimeout ?? TimeSpan.FromSeconds(10) };

    private AkkaProvider Connect(AkkaSimulator simulator, string? refreshToken = null, TimeSpan? callTimeout = null)
    {
        var account = Account(simulator, refreshToken ?? simulator.AdminRefreshToken);
        var vendor = Vendor(callTimeout);
        Assert.Null(vendor.ValidateIssuer(account.Spec, account.Credentials));
        return (AkkaProvider)vendor.Connect(account);
    }

    private static IssuerAccount Account(AkkaSimulator simulator, string refreshToken) => new(
        "ClusterTokenIssuer/sandbox-akka",
        new TokenIssuerSpec { Akka = new AkkaIssuer { Project = simulator.Project, ApiHost = simulator.GrpcUrl.Authority, Insecure = true } },
        Credentials(refreshToken + "\n"));

    private static Dictionary<string, byte[]> Credentials(string token) => new() { ["AKKA_TOKEN"] = Encoding.UTF8.GetBytes(token) };

    private static TokenRequest Request(string name, params string[] scopes) =>
        new(name, new ServiceTokenSpec { Akka = scopes.Length == 0 ? null : new AkkaTokenRequest { Scopes = [.. scopes] } });

    private static async Task<List<VendorToken>> ToListAsync(IAsyncEnumerable<VendorToken> tokens)
    {
        var list = new List<VendorToken>();
        await foreach (var token in tokens) list.Add(token);
        return list;
    }

    // Token values, refresh tokens and access tokens never appear in an exception (with its inner chain) or a log line.
    private void AssertNoSecrets(AkkaSimulator simulator, Exception e, params string[] secrets)
    {
        var texts = _logs.Messages.Append(e.ToString()).ToList();
        foreach (var text in texts)
        {
            Assert.DoesNotContain(simulator.AdminRefreshToken, text, StringComparison.Ordinal);
            Assert.DoesNotContain("akka-at.", text, StringComparison.Ordinal);
            Assert.DoesNotContain("cst4.", text, StringComparison.Ordinal);
            foreach (var secret in secrets) Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }
}
