using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ServiceTokenOperator.Providers;
using ServiceTokenOperator.Providers.Upsun;

namespace ServiceTokenOperator.Tests.Providers.Upsun;

public sealed class UpsunAuthClientTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private int _exchanges;

    [Fact]
    public async Task GetAccessToken_ConcurrentCallers_ShareOneExchange()
    {
        var gate = new TaskCompletionSource();
        var client = Client(new StubHandler(async (_, _) =>
        {
            var n = Interlocked.Increment(ref _exchanges);
            await gate.Task;
            return UpsunResponses.AccessToken("jwt-" + n);
        }));

        var callers = Enumerable.Range(0, 6).Select(_ => client.GetAccessTokenAsync(default)).ToList();
        gate.SetResult();
        var tokens = await Task.WhenAll(callers);

        Assert.Equal(1, _exchanges);
        Assert.All(tokens, t => Assert.Equal("jwt-1", t.Value));
    }

    [Fact]
    public async Task GetAccessToken_RefreshesSixtySecondsBeforeExpiry()
    {
        var client = Client(Counting(900));

        var first = await client.GetAccessTokenAsync(default);
        _time.Advance(TimeSpan.FromSeconds(839));
        var cached = await client.GetAccessTokenAsync(default);
        _time.Advance(TimeSpan.FromSeconds(1));
        var refreshed = await client.GetAccessTokenAsync(default);

        Assert.Same(first, cached);
        Assert.Equal("jwt-2", refreshed.Value);
        Assert.Equal(_time.GetUtcNow().AddSeconds(900), refreshed.ExpiresAt);
    }

    [Fact]
    public async Task GetAccessToken_ShortLifetime_RefreshesAtHalfLife()
    {
        var client = Client(Counting(60));

        await client.GetAccessTokenAsync(default);
        _time.Advance(TimeSpan.FromSeconds(29));
        await client.GetAccessTokenAsync(default);
        var beforeHalf = _exchanges;
        _time.Advance(TimeSpan.FromSeconds(1));
        await client.GetAccessTokenAsync(default);

        Assert.Equal(1, beforeHalf);
        Assert.Equal(2, _exchanges);
    }

    [Fact]
    public async Task Invalidate_TheCachedToken_ForcesANewExchange()
    {
        var client = Client(Counting(900));
        var first = await client.GetAccessTokenAsync(default);

        client.Invalidate(first);
        var second = await client.GetAccessTokenAsync(default);

        Assert.Equal("jwt-2", second.Value);
    }

    [Fact]
    public async Task Invalidate_AnOlderToken_KeepsTheNewerOne()
    {
        var client = Client(Counting(900));
        var first = await client.GetAccessTokenAsync(default);
        client.Invalidate(first);
        var second = await client.GetAccessTokenAsync(default);

        client.Invalidate(first);

        Assert.Same(second, await client.GetAccessTokenAsync(default));
        Assert.Equal(2, _exchanges);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, """{"error":"invalid_grant","error_description":"Invalid API token"}""", "CredentialRejected")]
    [InlineData(HttpStatusCode.Unauthorized, """{"error":"invalid_grant"}""", "CredentialRejected")]
    [InlineData(HttpStatusCode.Unauthorized, """{"error":"invalid_client"}""", "CredentialRejected")]
    [InlineData(HttpStatusCode.BadRequest, """{"error":"unsupported_grant_type"}""", "InvalidRequest")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "", "Unavailable")]
    [InlineData(HttpStatusCode.TooManyRequests, "{}", "RateLimited")]
    [InlineData(HttpStatusCode.OK, """{"unexpected":true}""", "Unavailable")]
    [InlineData(HttpStatusCode.OK, "<html>", "Unavailable")]
    public async Task GetAccessToken_FailedExchange_MapsToKind(HttpStatusCode status, string body, string kindName)
    {
        var kind = Enum.Parse<VendorErrorKind>(kindName);
        var client = Client(new StubHandler((_, _) => UpsunResponses.Json(status, body)));

        var error = await Assert.ThrowsAsync<VendorException>(() => client.GetAccessTokenAsync(default));

        Assert.Equal(kind, error.Kind);
        Assert.DoesNotContain("the-admin-token", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAccessToken_InvalidGrant_SaysWhichKeyHoldsTheRejectedToken()
    {
        var client = Client(new StubHandler((_, _) => UpsunResponses.InvalidGrant()));

        var error = await Assert.ThrowsAsync<VendorException>(() => client.GetAccessTokenAsync(default));

        Assert.Equal("the API token in UPSUN_CLI_TOKEN was rejected by the Upsun auth server (invalid_grant)", error.Message);
    }

    [Fact]
    public async Task GetAccessToken_ConnectionFailure_IsUnavailable()
    {
        var client = Client(new StubHandler(Task<HttpResponseMessage> (_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused")));

        var error = await Assert.ThrowsAsync<VendorException>(() => client.GetAccessTokenAsync(default));

        Assert.Equal(VendorErrorKind.Unavailable, error.Kind);
        Assert.Contains("ConnectionError", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAccessToken_CallerCancels_ThrowsCancellation()
    {
        using var cancel = new CancellationTokenSource();
        var client = Client(new StubHandler(async (_, _) =>
        {
            await cancel.CancelAsync();
            throw new TaskCanceledException();
        }));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAccessTokenAsync(cancel.Token));
    }

    [Fact]
    public void AccessToken_ToString_HidesTheValue()
    {
        var token = new UpsunAccessToken("eyJhbGciOiJIUzI1NiJ9.secret.sig", _time.GetUtcNow(), _time.GetUtcNow());

        Assert.DoesNotContain("secret", token.ToString(), StringComparison.Ordinal);
    }

    private StubHandler Counting(int expiresIn) =>
        new((_, _) => UpsunResponses.AccessToken("jwt-" + Interlocked.Increment(ref _exchanges), expiresIn));

    private UpsunAuthClient Client(StubHandler handler) => new(
        new StubHttpClientFactory(handler), UpsunBrand.Upsun, new Uri("https://auth.example.test"), "the-admin-token", "TokenIssuer/ns/t", _time, NullLogger.Instance);
}
