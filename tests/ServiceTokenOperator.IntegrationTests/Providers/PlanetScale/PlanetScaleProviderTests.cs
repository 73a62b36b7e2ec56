using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Providers;
using ServiceTokenOperator.Providers.PlanetScale;
using ServiceTokenOperator.Sandbox.Vendors;
using ServiceTokenOperator.Sandbox.Vendors.PlanetScale;

namespace ServiceTokenOperator.IntegrationTests.Providers.PlanetScale;

/// <summary>The PlanetScale provider, wired as the operator wires it, against the simulator over real sockets.</summary>
public sealed class PlanetScaleProviderTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services = new ServiceCollection().AddLogging().AddPlanetScaleVendor().BuildServiceProvider();
    private PlanetScaleSimulator _sim = null!;

    private ITokenVendor Vendor => _services.GetServices<ITokenVendor>().Single(v => v.Name == "planetscale");

    public async Task InitializeAsync() => _sim = await PlanetScaleSimulator.StartAsync(new PlanetScaleSimulatorOptions { Time = _time });

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _sim.DisposeAsync();
    }

    private ITokenProvider Connect(string? id = null, string? token = null, string? organization = null, Uri? apiUrl = null)
    {
        var spec = new TokenIssuerSpec
        {
            PlanetScale = new PlanetScaleIssuer { Organization = organization ?? _sim.Organization, ApiUrl = (apiUrl ?? _sim.BaseUri).ToString() },
            CredentialsSecretRef = new SecretReference { Name = "planetscale-admin" },
        };
        var credentials = new Dictionary<string, byte[]>
        {
            ["PLANETSCALE_SERVICE_TOKEN_ID"] = Encoding.UTF8.GetBytes(id ?? _sim.AdminTokenId),
            ["PLANETSCALE_SERVICE_TOKEN"] = Encoding.UTF8.GetBytes((token ?? _sim.AdminToken) + "\n"),
        };
        Assert.Null(Vendor.ValidateIssuer(spec, credentials));
        return Vendor.Connect(new IssuerAccount("ClusterTokenIssuer//sandbox-planetscale", spec, credentials));
    }

    private static TokenRequest Request(string name, string? ttl = null, params PlanetScaleAccess[] accesses) =>
        new(name, new ServiceTokenSpec { PlanetScale = new PlanetScaleTokenRequest { Ttl = ttl, Accesses = [.. accesses] } });

    private async Task<JsonElement> AdminGetAsync(string path)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_sim.BaseUri, $"/v1/organizations/{_sim.Organization}/service-tokens/{path}"));
        request.Headers.TryAddWithoutValidation("Authorization", $"{_sim.AdminTokenId}:{_sim.AdminToken}");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task<VendorException> ThrowsVendorAsync(VendorErrorKind kind, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<VendorException>(call);
        Assert.Equal(kind, e.Kind);
        return e;
    }

    private static void AssertNoSecret(Exception e, params string[] secrets)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret.Trim(), current.Message, StringComparison.Ordinal);
                Assert.DoesNotContain(secret.Trim(), current.ToString(), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task CreateAsync_WithAccesses_GrantsThemAndReturnsSecretValues()
    {
        var provider = Connect();

        var issued = await provider.CreateAsync(
            Request(
                "sto-c1-payments-ci-r1",
                null,
                new PlanetScaleAccess { Database = "payments", Permissions = ["read_branch", "connect_branch"] },
                new PlanetScaleAccess { Database = "inventory", Permissions = ["read_branch"] },
                new PlanetScaleAccess { Database = "payments", Permissions = ["create_deploy_request"] }),
            CancellationToken.None);

        Assert.Equal("sto-c1-payments-ci-r1", issued.Name);
        Assert.Equal(_time.GetUtcNow(), issued.CreatedAt);
        Assert.Null(issued.ExpiresAt);
        Assert.Equal("PLANETSCALE_SERVICE_TOKEN", issued.Values.TokenKey);
        Assert.Equal(issued.TokenId, issued.Values["PLANETSCALE_SERVICE_TOKEN_ID"]);
        Assert.StartsWith("pscale_tkn_", issued.Values["PLANETSCALE_SERVICE_TOKEN"], StringComparison.Ordinal);
        Assert.Equal(_sim.Organization, issued.Values["PLANETSCALE_ORG"]);
        Assert.DoesNotContain(issued.Values["PLANETSCALE_SERVICE_TOKEN"], issued.ToString(), StringComparison.Ordinal);
        Assert.Contains(_sim.Tokens(), t => t.Id == issued.TokenId && t.Live && t.Name == issued.Name);

        var accesses = (await AdminGetAsync($"{issued.TokenId}/access")).GetProperty("data").EnumerateArray()
            .Select(a => $"{a.GetProperty("resource_name").GetString()}/{a.GetProperty("access").GetString()}")
            .Order(StringComparer.Ordinal);
        Assert.Equal(["inventory/read_branch", "payments/connect_branch", "payments/create_deploy_request", "payments/read_branch"], accesses);
    }

    [Fact]
    public async Task CreateAsync_Ttl_SetsExpiresAt()
    {
        var issued = await Connect().CreateAsync(Request("ttl", "2400h"), CancellationToken.None);

        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromHours(2400), issued.ExpiresAt);
        Assert.Equal(
            (_time.GetUtcNow() + TimeSpan.FromHours(2400)).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            (await AdminGetAsync(issued.TokenId)).GetProperty("expires_at").GetString());
    }

    [Fact]
    public async Task CreateAsync_UnknownDatabase_RevokesNewTokenAndThrowsInvalidRequest()
    {
        var e = await ThrowsVendorAsync(VendorErrorKind.InvalidRequest, () => Connect().CreateAsync(
            Request("bad-db", null, new PlanetScaleAccess { Database = "nosuchdb", Permissions = ["read_branch"] }),
            CancellationToken.None));

        Assert.Contains("nosuchdb", e.Message, StringComparison.Ordinal);
        var token = Assert.Single(_sim.Tokens());
        Assert.False(token.Live);
        AssertNoSecret(e, _sim.AdminToken);
    }

    [Fact]
    public async Task CreateAsync_GrantRejected_CleanupRevokesToken()
    {
        var (id, token) = _sim.AddServiceToken("read_service_tokens", "write_service_tokens", "delete_service_tokens");
        var provider = Connect(id, token);

        // A permission the validation would have caught: the simulator answers 422 on the grant.
        var e = await ThrowsVendorAsync(VendorErrorKind.InvalidRequest, () => provider.CreateAsync(
            Request("bad-access", null, new PlanetScaleAccess { Database = "payments", Permissions = ["read_everything"] }),
            CancellationToken.None));

        Assert.Contains("unprocessable", e.Message, StringComparison.Ordinal);
        Assert.All(_sim.Tokens(), t => Assert.False(t.Live));
    }

    [Fact]
    public async Task CreateAsync_CancelledDuringGrant_RevokesNewToken()
    {
        var provider = Connect();
        var before = _sim.RequestCount;
        _sim.Faults.Apply(new FaultSettings { LatencyMs = 1_000 });
        using var cancel = new CancellationTokenSource();

        var create = provider.CreateAsync(
            Request("cancelled", null, new PlanetScaleAccess { Database = "payments", Permissions = ["read_branch"] }),
            cancel.Token);

        // The second request is the grant; it waits a second in the simulator, so cancelling now hits it in flight.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (_sim.RequestCount - before < 2)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(15), "the grant request never arrived");
            await Task.Delay(10);
        }

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => create);

        var token = Assert.Single(_sim.Tokens());
        Assert.False(token.Live);
    }

    [Fact]
    public async Task ListAsync_MoreThanOnePage_FollowsNextPage()
    {
        var provider = Connect();
        var created = new List<string>();
        for (var i = 0; i < 30; i++) created.Add((await provider.CreateAsync(Request($"t{i}"), CancellationToken.None)).TokenId);
        var before = _sim.RequestCount;

        var listed = new List<VendorToken>();
        await foreach (var token in provider.ListAsync(CancellationToken.None)) listed.Add(token);

        Assert.Equal(31, listed.Count); // 30 + the admin credential
        Assert.Subset(listed.Select(t => t.TokenId).ToHashSet(), created.ToHashSet());
        Assert.Contains(listed, t => t.TokenId == _sim.AdminTokenId);
        Assert.Contains(listed, t => t.Name == "t29" && t.CreatedAt == _time.GetUtcNow());
        Assert.Equal(2, _sim.RequestCount - before);
    }

    [Fact]
    public async Task RevokeAsync_Twice_IsIdempotent()
    {
        var provider = Connect();
        var issued = await provider.CreateAsync(Request("revoke-me"), CancellationToken.None);

        await provider.RevokeAsync(issued.TokenId, CancellationToken.None);
        await provider.RevokeAsync(issued.TokenId, CancellationToken.None);
        await provider.RevokeAsync("neverexisted", CancellationToken.None);

        Assert.False(Assert.Single(_sim.Tokens()).Live);
    }

    [Fact]
    public async Task RevokeAsync_CredentialLacksDelete_ThrowsPermissionDeniedAndKeepsToken()
    {
        var (id, token) = _sim.AddServiceToken("read_service_tokens", "write_service_tokens");
        var provider = Connect(id, token);
        var issued = await provider.CreateAsync(Request("undeletable"), CancellationToken.None);

        var e = await ThrowsVendorAsync(VendorErrorKind.PermissionDenied, () => provider.RevokeAsync(issued.TokenId, CancellationToken.None));

        Assert.Contains("delete_service_tokens", e.Message, StringComparison.Ordinal);
        Assert.True(Assert.Single(_sim.Tokens()).Live);
    }

    [Fact]
    public async Task RevokeAsync_CredentialLacksRead_ThrowsPermissionDenied()
    {
        var (id, token) = _sim.AddServiceToken("write_service_tokens", "delete_service_tokens");

        var e = await ThrowsVendorAsync(VendorErrorKind.PermissionDenied, () => Connect(id, token).RevokeAsync("gonealready1", CancellationToken.None));

        Assert.Contains("read_service_tokens", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckCredentialAsync_AdminCredential_Succeeds()
    {
        var before = _sim.RequestCount;
        await Connect().CheckCredentialAsync(CancellationToken.None);
        Assert.Equal(1, _sim.RequestCount - before);
    }

    [Fact]
    public async Task CheckCredentialAsync_WrongToken_ThrowsCredentialRejectedWithoutValue()
    {
        const string wrong = "pscale_tkn_wrongwrongwrong";
        var e = await ThrowsVendorAsync(VendorErrorKind.CredentialRejected, () => Connect(token: wrong).CheckCredentialAsync(CancellationToken.None));

        Assert.Contains("401", e.Message, StringComparison.Ordinal);
        Assert.Contains("PLANETSCALE_SERVICE_TOKEN", e.Message, StringComparison.Ordinal);
        Assert.Contains(_sim.AdminTokenId, e.Message, StringComparison.Ordinal);
        AssertNoSecret(e, wrong, _sim.AdminToken);
    }

    [Fact]
    public async Task CheckCredentialAsync_LacksReadPermission_ThrowsPermissionDenied()
    {
        var (id, token) = _sim.AddServiceToken("write_service_tokens", "delete_service_tokens");
        var e = await ThrowsVendorAsync(VendorErrorKind.PermissionDenied, () => Connect(id, token).CheckCredentialAsync(CancellationToken.None));
        Assert.Contains("read_service_tokens", e.Message, StringComparison.Ordinal);
        AssertNoSecret(e, token);
    }

    [Fact]
    public async Task CheckCredentialAsync_UnknownOrganization_ThrowsPermissionDenied()
    {
        var e = await ThrowsVendorAsync(VendorErrorKind.PermissionDenied, () => Connect(organization: "not-mine").CheckCredentialAsync(CancellationToken.None));
        Assert.Contains("not-mine", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckCredentialAsync_Short429Burst_RetriedHonouringRetryAfter()
    {
        _sim.Faults.Apply(new FaultSettings { Burst429 = 2, RetryAfterSeconds = 1 });
        var before = _sim.RequestCount;

        await Connect().CheckCredentialAsync(CancellationToken.None);

        Assert.Equal(3, _sim.RequestCount - before);
    }

    [Fact]
    public async Task CheckCredentialAsync_LongRetryAfter_ThrowsRateLimitedWithoutWaiting()
    {
        _sim.Faults.Apply(new FaultSettings { Burst429 = 5, RetryAfterSeconds = 120 });
        var before = _sim.RequestCount;

        var e = await ThrowsVendorAsync(VendorErrorKind.RateLimited, () => Connect().CheckCredentialAsync(CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(120), e.RetryAfter);
        Assert.True(e.IsTransient);
        Assert.Equal(1, _sim.RequestCount - before);
    }

    [Fact]
    public async Task CreateAsync_RateLimited_NotRetriedAndCarriesRetryAfter()
    {
        _sim.Faults.Apply(new FaultSettings { Burst429 = 1, RetryAfterSeconds = 3 });
        var before = _sim.RequestCount;

        var e = await ThrowsVendorAsync(VendorErrorKind.RateLimited, () => Connect().CreateAsync(Request("limited"), CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(3), e.RetryAfter);
        Assert.Contains("429", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, _sim.RequestCount - before);
        Assert.Empty(_sim.Tokens());
    }

    [Fact]
    public async Task CreateAsync_ServiceUnavailable_NotRetried()
    {
        _sim.Faults.Apply(new FaultSettings { ErrorRate = 1.0, ErrorStatus = 503 });
        var before = _sim.RequestCount;

        var e = await ThrowsVendorAsync(VendorErrorKind.Unavailable, () => Connect().CreateAsync(Request("down"), CancellationToken.None));

        Assert.Contains("503", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, _sim.RequestCount - before);
    }

    [Fact]
    public async Task ListAsync_PersistentServerError_RetriedTwiceThenUnavailable()
    {
        _sim.Faults.Apply(new FaultSettings { ErrorRate = 1.0, ErrorStatus = 500 });
        var before = _sim.RequestCount;

        var e = await ThrowsVendorAsync(VendorErrorKind.Unavailable, async () =>
        {
            await foreach (var _ in Connect().ListAsync(CancellationToken.None))
            {
            }
        });

        Assert.Contains("500", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, _sim.RequestCount - before);
    }

    [Fact]
    public async Task CheckCredentialAsync_NothingListening_ThrowsUnavailable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var e = await ThrowsVendorAsync(VendorErrorKind.Unavailable, () => Connect(apiUrl: new Uri($"http://127.0.0.1:{port}")).CheckCredentialAsync(CancellationToken.None));
        AssertNoSecret(e, _sim.AdminToken);
    }

    [Fact]
    public async Task CreateAsync_Cancelled_ThrowsOperationCanceled()
    {
        _sim.Faults.Apply(new FaultSettings { LatencyMs = 5_000 });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Connect().CreateAsync(Request("slow"), cancel.Token));
    }

    [Fact]
    public async Task VendorErrors_AnyFailure_NeverShowTokenValues()
    {
        var provider = Connect();
        var issued = await provider.CreateAsync(Request("secret-holder"), CancellationToken.None);
        var secrets = new[] { _sim.AdminToken, issued.Values["PLANETSCALE_SERVICE_TOKEN"] };
        var failures = new List<Exception>();

        _sim.Faults.Apply(new FaultSettings { Burst429 = 1, RetryAfterSeconds = 30 });
        failures.Add(await Assert.ThrowsAsync<VendorException>(() => provider.CreateAsync(Request("x"), CancellationToken.None)));
        _sim.Faults.Apply(new FaultSettings { ErrorRate = 1.0, ErrorStatus = 502 });
        failures.Add(await Assert.ThrowsAsync<VendorException>(() => provider.RevokeAsync(issued.TokenId, CancellationToken.None)));
        _sim.Faults.Apply(new FaultSettings());
        failures.Add(await Assert.ThrowsAsync<VendorException>(() => Connect(issued.TokenId, issued.Values["PLANETSCALE_SERVICE_TOKEN"]).CheckCredentialAsync(CancellationToken.None)));
        failures.Add(await Assert.ThrowsAsync<VendorException>(() => Connect(token: issued.Values["PLANETSCALE_SERVICE_TOKEN"]).CheckCredentialAsync(CancellationToken.None)));

        Assert.All(failures, e => AssertNoSecret(e, secrets));
    }

    private static ServiceTokenSpec Grants(params PlanetScaleAccess[] accesses) =>
        new() { PlanetScale = new PlanetScaleTokenRequest { Accesses = [.. accesses] } };

    /// <summary>The token's accesses as the vendor shows them: "database/access" to the access id.</summary>
    private async Task<Dictionary<string, string>> ShownAccessesAsync(string tokenId) =>
        (await AdminGetAsync($"{tokenId}/access")).GetProperty("data").EnumerateArray().ToDictionary(
            a => $"{a.GetProperty("resource_name").GetString()}/{a.GetProperty("access").GetString()}",
            a => a.GetProperty("id").GetString()!);

    private async Task<IssuedToken> CreateWithGrantsAsync(string name) =>
        await Connect().CreateAsync(
            Request(
                name,
                null,
                new PlanetScaleAccess { Database = "payments", Permissions = ["read_branch", "connect_branch"] },
                new PlanetScaleAccess { Database = "inventory", Permissions = ["read_branch"] }),
            CancellationToken.None);

    [Fact]
    public async Task UpdateGrantsAsync_AddedAndRemovedAccesses_AppliesTheDifferenceToTheSameToken()
    {
        var issued = await CreateWithGrantsAsync("grants-r1");
        var before = await ShownAccessesAsync(issued.TokenId);

        var updated = await Connect().UpdateGrantsAsync(
            issued.TokenId,
            Grants(
                new PlanetScaleAccess { Database = "payments", Permissions = ["read_branch", "create_deploy_request"] },
                new PlanetScaleAccess { Database = "inventory", Permissions = ["read_branch"] }),
            CancellationToken.None);

        Assert.True(updated);
        var after = await ShownAccessesAsync(issued.TokenId);
        Assert.Equal(["inventory/read_branch", "payments/create_deploy_request", "payments/read_branch"], after.Keys.Order(StringComparer.Ordinal));
        // Kept grants were never taken away and given back: same vendor-side ids.
        Assert.Equal(before["payments/read_branch"], after["payments/read_branch"]);
        Assert.Equal(before["inventory/read_branch"], after["inventory/read_branch"]);
        var token = Assert.Single(_sim.Tokens());
        Assert.Equal((issued.TokenId, true), (token.Id, token.Live));
    }

    [Fact]
    public async Task UpdateGrantsAsync_EveryAccessDropped_TokenHoldsNone()
    {
        var issued = await CreateWithGrantsAsync("grants-none");

        Assert.True(await Connect().UpdateGrantsAsync(issued.TokenId, new ServiceTokenSpec(), CancellationToken.None));

        Assert.Empty(await ShownAccessesAsync(issued.TokenId));
        Assert.True(Assert.Single(_sim.Tokens()).Live);
    }

    [Fact]
    public async Task UpdateGrantsAsync_SameGrantsInAnotherOrder_OnlyReads()
    {
        var issued = await CreateWithGrantsAsync("grants-same");
        var start = _sim.RequestCount;

        var updated = await Connect().UpdateGrantsAsync(
            issued.TokenId,
            Grants(
                new PlanetScaleAccess { Database = "inventory", Permissions = ["read_branch"] },
                new PlanetScaleAccess { Database = "payments", Permissions = ["connect_branch"] },
                new PlanetScaleAccess { Database = "payments", Permissions = ["read_branch"] }),
            CancellationToken.None);

        Assert.True(updated);
        Assert.Equal(1, _sim.RequestCount - start);
    }

    [Fact]
    public async Task UpdateGrantsAsync_UnknownDatabase_ThrowsInvalidRequestBeforeRemovingAnything()
    {
        var issued = await CreateWithGrantsAsync("grants-bad-db");
        var before = await ShownAccessesAsync(issued.TokenId);

        // Drops payments/connect_branch and adds a grant the vendor refuses: adds come first, so nothing is lost.
        var e = await ThrowsVendorAsync(VendorErrorKind.InvalidRequest, () => Connect().UpdateGrantsAsync(
            issued.TokenId,
            Grants(
                new PlanetScaleAccess { Database = "payments", Permissions = ["read_branch"] },
                new PlanetScaleAccess { Database = "inventory", Permissions = ["read_branch"] },
                new PlanetScaleAccess { Database = "nosuchdb", Permissions = ["read_branch"] }),
            CancellationToken.None));

        Assert.Contains("nosuchdb", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, await ShownAccessesAsync(issued.TokenId));
        AssertNoSecret(e, _sim.AdminToken);
    }

    [Fact]
    public async Task UpdateGrantsAsync_TokenDeletedAtTheVendor_ReturnsFalse()
    {
        var issued = await CreateWithGrantsAsync("grants-gone");
        await Connect().RevokeAsync(issued.TokenId, CancellationToken.None);

        Assert.False(await Connect().UpdateGrantsAsync(issued.TokenId, Grants(), CancellationToken.None));
    }

    [Fact]
    public async Task UpdateGrantsAsync_CredentialLacksRead_ThrowsPermissionDenied()
    {
        var issued = await CreateWithGrantsAsync("grants-no-read");
        var (id, token) = _sim.AddServiceToken("write_service_tokens", "delete_service_tokens");

        var e = await ThrowsVendorAsync(VendorErrorKind.PermissionDenied, () => Connect(id, token).UpdateGrantsAsync(
            issued.TokenId, Grants(new PlanetScaleAccess { Database = "payments", Permissions = ["read_branch"] }), CancellationToken.None));

        Assert.Contains("read_service_tokens", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, (await ShownAccessesAsync(issued.TokenId)).Count);
        AssertNoSecret(e, token, _sim.AdminToken);
    }

    [Fact]
    public async Task UpdateGrantsAsync_CredentialLacksWrite_ThrowsAndKeepsGrants()
    {
        var issued = await CreateWithGrantsAsync("grants-no-write");
        var (id, token) = _sim.AddServiceToken("read_service_tokens", "delete_service_tokens");

        var e = await Assert.ThrowsAsync<VendorException>(() => Connect(id, token).UpdateGrantsAsync(
            issued.TokenId, Grants(new PlanetScaleAccess { Database = "payments", Permissions = ["read_branch"] }), CancellationToken.None));

        // Not transient: a person must grant write_service_tokens; the token keeps every access meanwhile.
        Assert.False(e.IsTransient);
        Assert.Contains("write_service_tokens", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, (await ShownAccessesAsync(issued.TokenId)).Count);
    }
}
