using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Providers;
using ServiceTokenOperator.Providers.Upsun;
using ServiceTokenOperator.Sandbox.Vendors;
using ServiceTokenOperator.Sandbox.Vendors.Upsun;

namespace ServiceTokenOperator.IntegrationTests.Providers.Upsun;

/// <summary>The Upsun / Platform.sh provider against the simulator over real sockets.</summary>
public sealed class UpsunProviderTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _simTime = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeTimeProvider _providerTime = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services = new ServiceCollection().AddLogging().AddUpsunVendors().BuildServiceProvider();
    private readonly List<UpsunSimulator> _simulators = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var sim in _simulators) await sim.DisposeAsync();
        await _services.DisposeAsync();
    }

    [Fact]
    public void AddUpsunVendors_RegistersBothBrandsWithTheirKeys()
    {
        var vendors = _services.GetServices<ITokenVendor>().OfType<UpsunVendor>().ToDictionary(v => v.Name);

        Assert.Equal(["platformsh", "upsun"], vendors.Keys.Order());
        Assert.Equal("UPSUN_CLI_TOKEN", vendors["upsun"].Brand.TokenKey);
        Assert.Equal("PLATFORMSH_CLI_TOKEN", vendors["platformsh"].Brand.TokenKey);
    }

    [Theory]
    [InlineData("upsun", "UPSUN_CLI_TOKEN")]
    [InlineData("platformsh", "PLATFORMSH_CLI_TOKEN")]
    public async Task CreateVerifyListRevoke_EachBrand_RoundTripsThroughTheSimulator(string brandName, string key)
    {
        var sim = await StartAsync(brandName);
        var provider = Connect(sim, brandName);

        var issued = await provider.CreateAsync(Request("ci-r1"), default);
        await provider.VerifyAsync(issued, default);
        var listed = await ListAsync(provider);
        await provider.RevokeAsync(issued.TokenId, default);
        await provider.RevokeAsync(issued.TokenId, default);
        var afterRevoke = await ListAsync(provider);

        Assert.Equal(key, issued.Values.TokenKey);
        Assert.Equal([key], issued.Values.Keys);
        Assert.Null(issued.ExpiresAt);
        Assert.Equal("ci-r1", issued.Name);
        Assert.Equal(_simTime.GetUtcNow(), issued.CreatedAt);
        Assert.Contains(listed, t => t.TokenId == issued.TokenId && t.Name == "ci-r1");
        Assert.DoesNotContain(afterRevoke, t => t.TokenId == issued.TokenId);
        Assert.False(Assert.Single(sim.Tokens(), t => t.Id == issued.TokenId).Live);
        Assert.DoesNotContain(issued.Values[key], issued.ToString());
    }

    [Fact]
    public async Task CreateAsync_IssuedValue_IsAUsableApiToken()
    {
        var sim = await StartAsync();
        var issued = await Connect(sim).CreateAsync(Request("usable"), default);

        // The new token can itself act as an admin credential of the same user.
        var second = Connect(sim, credential: issued.Values["UPSUN_CLI_TOKEN"]);
        await second.CheckCredentialAsync(default);

        Assert.Contains(await ListAsync(second), t => t.TokenId == issued.TokenId);
    }

    [Fact]
    public async Task Calls_ReuseOneAccessTokenUntilShortlyBeforeExpiry()
    {
        var sim = await StartAsync();
        var provider = Connect(sim);

        await provider.CheckCredentialAsync(default);
        await provider.CreateAsync(Request("a"), default);
        await ListAsync(provider);
        var afterFirstCalls = sim.TokenExchangeCount;
        _providerTime.Advance(TimeSpan.FromSeconds(839));
        await ListAsync(provider);
        var beforeMargin = sim.TokenExchangeCount;
        _providerTime.Advance(TimeSpan.FromSeconds(1));
        await ListAsync(provider);

        Assert.Equal(1, afterFirstCalls);
        Assert.Equal(1, beforeMargin);
        Assert.Equal(2, sim.TokenExchangeCount);
    }

    [Fact]
    public async Task ConcurrentCalls_ShareOneTokenExchange()
    {
        var sim = await StartAsync();
        var provider = Connect(sim, userId: sim.MachineUserId);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => ListAsync(provider)));

        Assert.Equal(1, sim.TokenExchangeCount);
    }

    [Fact]
    public async Task AccessTokenRejectedByApi_IsExchangedOnceMoreAndTheCallSucceeds()
    {
        var sim = await StartAsync();
        var provider = Connect(sim);
        await provider.CheckCredentialAsync(default);

        // Only the simulator's clock moves: the provider still trusts its cached access token, the API does not.
        _simTime.Advance(TimeSpan.FromSeconds(901));
        var listed = await ListAsync(provider);

        Assert.NotEmpty(listed);
        Assert.Equal(2, sim.TokenExchangeCount);
    }

    [Fact]
    public async Task AccessTokenRejectedAndApiTokenRevoked_IsCredentialRejected()
    {
        var sim = await StartAsync();
        var admin = Connect(sim);
        var issued = await admin.CreateAsync(Request("short-admin"), default);
        var provider = Connect(sim, credential: issued.Values["UPSUN_CLI_TOKEN"]);
        await provider.CheckCredentialAsync(default);
        await admin.RevokeAsync(issued.TokenId, default);

        _simTime.Advance(TimeSpan.FromSeconds(901));
        var error = await Assert.ThrowsAsync<VendorException>(() => ListAsync(provider));

        Assert.Equal(VendorErrorKind.CredentialRejected, error.Kind);
        Assert.DoesNotContain(issued.Values["UPSUN_CLI_TOKEN"], error.ToString());
    }

    [Fact]
    public async Task UserId_WhenNotConfigured_IsLookedUpOnceWithUsersMe()
    {
        var sim = await StartAsync();
        var provider = Connect(sim);

        var start = sim.RequestCount;
        await provider.CreateAsync(Request("first"), default);
        var firstCall = sim.RequestCount - start;
        start = sim.RequestCount;
        await provider.CreateAsync(Request("second"), default);
        var secondCall = sim.RequestCount - start;

        // exchange + GET /users/me + POST, then the POST alone.
        Assert.Equal(3, firstCall);
        Assert.Equal(1, secondCall);
    }

    [Fact]
    public async Task UserId_WhenConfigured_SkipsTheLookup()
    {
        var sim = await StartAsync();
        var provider = Connect(sim, userId: sim.MachineUserId);

        var start = sim.RequestCount;
        await provider.CreateAsync(Request("direct"), default);

        Assert.Equal(2, sim.RequestCount - start);
    }

    [Fact]
    public async Task UserId_OfAnotherUser_IsPermissionDenied()
    {
        var sim = await StartAsync();
        var other = sim.AddUser("someone-else");
        var provider = Connect(sim, userId: other.Id);

        var check = await Assert.ThrowsAsync<VendorException>(() => provider.CheckCredentialAsync(default));
        var create = await Assert.ThrowsAsync<VendorException>(() => provider.CreateAsync(Request("nope"), default));

        Assert.Equal(VendorErrorKind.PermissionDenied, check.Kind);
        Assert.Equal(VendorErrorKind.PermissionDenied, create.Kind);
        Assert.Contains("403", create.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckCredential_WithUnknownApiToken_IsCredentialRejectedNamingTheKey()
    {
        var sim = await StartAsync();
        const string wrong = "wrongwrongwrongwrongwrongwrongwrong";
        var provider = Connect(sim, credential: wrong);

        var error = await Assert.ThrowsAsync<VendorException>(() => provider.CheckCredentialAsync(default));

        Assert.Equal(VendorErrorKind.CredentialRejected, error.Kind);
        Assert.Contains("UPSUN_CLI_TOKEN", error.Message, StringComparison.Ordinal);
        Assert.Contains("invalid_grant", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckCredential_WithPlatformshBrand_NamesThePlatformshKey()
    {
        var sim = await StartAsync("platformsh");
        var provider = Connect(sim, "platformsh", credential: "not-the-token");

        var error = await Assert.ThrowsAsync<VendorException>(() => provider.CheckCredentialAsync(default));

        Assert.Contains("PLATFORMSH_CLI_TOKEN", error.Message, StringComparison.Ordinal);
        Assert.Contains("Platform.sh", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthServerDown_IsUnavailable()
    {
        var sim = await StartAsync();
        sim.AuthServerDown = true;

        var error = await Assert.ThrowsAsync<VendorException>(() => Connect(sim).CheckCredentialAsync(default));

        Assert.Equal(VendorErrorKind.Unavailable, error.Kind);
        Assert.True(error.IsTransient);
        Assert.DoesNotContain(sim.AdminApiToken, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthServerUnreachable_IsUnavailable()
    {
        var sim = await StartAsync();
        var closedPort = sim.AuthUrl;
        await sim.DisposeAsync();
        _simulators.Remove(sim);
        var provider = Connect(sim, authUrl: closedPort.AbsoluteUri);

        var error = await Assert.ThrowsAsync<VendorException>(() => provider.CheckCredentialAsync(default));

        Assert.Equal(VendorErrorKind.Unavailable, error.Kind);
    }

    [Fact]
    public async Task Create_On429_IsRateLimitedWithRetryAfterAndSentOnlyOnce()
    {
        var sim = await StartAsync();
        var provider = Connect(sim, userId: sim.MachineUserId);
        await provider.CheckCredentialAsync(default);
        sim.Faults.Apply(new FaultSettings { Burst429 = 1, RetryAfterSeconds = 3 });

        var start = sim.RequestCount;
        var error = await Assert.ThrowsAsync<VendorException>(() => provider.CreateAsync(Request("limited"), default));

        Assert.Equal(VendorErrorKind.RateLimited, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(3), error.RetryAfter);
        Assert.Equal(1, sim.RequestCount - start);
        Assert.DoesNotContain(sim.Tokens(), t => t.Name == "limited");
    }

    [Fact]
    public async Task List_On429_IsRetriedAfterRetryAfterAndSucceeds()
    {
        var sim = await StartAsync();
        var provider = Connect(sim, userId: sim.MachineUserId);
        await provider.CheckCredentialAsync(default);
        sim.Faults.Apply(new FaultSettings { Burst429 = 1, RetryAfterSeconds = 1 });

        var start = sim.RequestCount;
        var listed = await ListAsync(provider);

        Assert.NotEmpty(listed);
        Assert.Equal(2, sim.RequestCount - start);
    }

    [Fact]
    public async Task List_OnPersistent429_IsRateLimitedAfterTwoRetries()
    {
        var sim = await StartAsync();
        var provider = Connect(sim, userId: sim.MachineUserId);
        await provider.CheckCredentialAsync(default);
        sim.Faults.Apply(new FaultSettings { Burst429 = 5, RetryAfterSeconds = 1 });

        var start = sim.RequestCount;
        var error = await Assert.ThrowsAsync<VendorException>(() => ListAsync(provider));

        Assert.Equal(VendorErrorKind.RateLimited, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(1), error.RetryAfter);
        Assert.Equal(3, sim.RequestCount - start);
    }

    [Fact]
    public async Task Revoke_OfUnknownToken_CountsAsDone()
    {
        var sim = await StartAsync();

        await Connect(sim).RevokeAsync(Guid.NewGuid().ToString(), default);

        Assert.All(sim.Tokens(), t => Assert.True(t.Live));
    }

    [Fact]
    public async Task Create_WithDuplicateName_IsAlreadyExists()
    {
        var sim = await StartAsync();
        var provider = Connect(sim);
        await provider.CreateAsync(Request("same"), default);

        var error = await Assert.ThrowsAsync<VendorException>(() => provider.CreateAsync(Request("same"), default));

        Assert.Equal(VendorErrorKind.AlreadyExists, error.Kind);
        Assert.Contains("409", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_OfRevokedToken_FailsWithoutShowingTheValue()
    {
        var sim = await StartAsync();
        var provider = Connect(sim);
        var issued = await provider.CreateAsync(Request("verify-me"), default);
        await provider.RevokeAsync(issued.TokenId, default);

        var error = await Assert.ThrowsAsync<VendorException>(() => provider.VerifyAsync(issued, default));

        // Not CredentialRejected: the admin credential is fine, only the new token is not (yet) accepted.
        Assert.Equal(VendorErrorKind.Unavailable, error.Kind);
        Assert.Contains(issued.TokenId, error.Message, StringComparison.Ordinal);
        Assert.Contains("invalid_grant", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(issued.Values["UPSUN_CLI_TOKEN"], error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateGrantsAsync_AnyToken_AnswersFalseWithoutAVendorCall()
    {
        // Upsun API tokens carry no grants of their own: a change must come as a new token.
        var sim = await StartAsync();
        var provider = Connect(sim, userId: sim.MachineUserId);
        var issued = await provider.CreateAsync(Request("no-grants"), default);
        var start = sim.RequestCount;

        Assert.False(await provider.UpdateGrantsAsync(issued.TokenId, new ServiceTokenSpec(), default));
        Assert.Equal(start, sim.RequestCount);
    }

    private async Task<UpsunSimulator> StartAsync(string brand = "upsun")
    {
        var sim = await UpsunSimulator.StartAsync(new UpsunSimulatorOptions { Time = _simTime, Brand = brand });
        _simulators.Add(sim);
        return sim;
    }

    private ITokenProvider Connect(UpsunSimulator sim, string brandName = "upsun", string? credential = null, string? userId = null, string? authUrl = null)
    {
        var brand = brandName == "upsun" ? UpsunBrand.Upsun : UpsunBrand.Platformsh;
        var vendor = new UpsunVendor(brand, _services.GetRequiredService<IHttpClientFactory>(), _providerTime, NullLoggerFactory.Instance);
        var issuer = new UpsunIssuer { ApiUrl = sim.ApiUrl.AbsoluteUri, AuthUrl = authUrl ?? sim.AuthUrl.AbsoluteUri, UserId = userId };
        var spec = new TokenIssuerSpec { CredentialsSecretRef = new SecretReference { Name = "admin" } };
        if (brand == UpsunBrand.Upsun) spec.Upsun = issuer;
        else spec.Platformsh = issuer;
        var credentials = new Dictionary<string, byte[]> { [brand.TokenKey] = Encoding.UTF8.GetBytes((credential ?? sim.AdminApiToken) + "\n") };
        Assert.Null(vendor.ValidateIssuer(spec, credentials));
        return vendor.Connect(new IssuerAccount($"ClusterTokenIssuer/sandbox-{brandName}", spec, credentials));
    }

    private static TokenRequest Request(string name) => new(name, new ServiceTokenSpec());

    private static async Task<List<VendorToken>> ListAsync(ITokenProvider provider)
    {
        var tokens = new List<VendorToken>();
        await foreach (var token in provider.ListAsync(default)) tokens.Add(token);
        return tokens;
    }
}
