using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Providers;
using ServiceTokenOperator.Providers.Upsun;

namespace ServiceTokenOperator.Tests.Providers.Upsun;

public sealed class UpsunVendorTests
{
    private const string AdminToken = "adminAPItokenVALUE1234567890abcdefghijklmno";

    [Theory]
    [InlineData("upsun")]
    [InlineData("platformsh")]
    public void ValidateIssuer_CompleteBlock_HasNoProblem(string brandName)
    {
        var brand = BrandOf(brandName);
        var spec = Spec(brand, new UpsunIssuer { ApiUrl = "https://api.example.test", AuthUrl = "http://127.0.0.1:5000/", UserId = "u-1" });

        Assert.Null(Vendor(brand).ValidateIssuer(spec, Credentials(brand.TokenKey, AdminToken)));
    }

    [Fact]
    public void ValidateIssuer_BlockWithoutOptionalFields_HasNoProblem()
    {
        var spec = Spec(UpsunBrand.Upsun, new UpsunIssuer());

        Assert.Null(Vendor(UpsunBrand.Upsun).ValidateIssuer(spec, Credentials("UPSUN_CLI_TOKEN", AdminToken)));
    }

    [Fact]
    public void ValidateIssuer_OtherBrandsBlock_NamesSpec()
    {
        var spec = Spec(UpsunBrand.Platformsh, new UpsunIssuer());

        var problem = Vendor(UpsunBrand.Upsun).ValidateIssuer(spec, Credentials("UPSUN_CLI_TOKEN", AdminToken));

        Assert.Equal("spec", problem?.Field);
        Assert.Contains("platformsh", problem!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateIssuer_TwoBlocks_NamesSpec()
    {
        var spec = Spec(UpsunBrand.Upsun, new UpsunIssuer());
        spec.Akka = new AkkaIssuer();

        var problem = Vendor(UpsunBrand.Upsun).ValidateIssuer(spec, Credentials("UPSUN_CLI_TOKEN", AdminToken));

        Assert.Equal("spec", problem?.Field);
        Assert.Contains("upsun, akka", problem!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api.upsun.com")]
    [InlineData("/relative")]
    [InlineData("ftp://api.upsun.com")]
    [InlineData("https://api.upsun.com/?x=1")]
    [InlineData("")]
    public void ValidateIssuer_ApiUrlNotAbsoluteHttp_NamesApiUrl(string url)
    {
        var spec = Spec(UpsunBrand.Upsun, new UpsunIssuer { ApiUrl = url });

        var problem = Vendor(UpsunBrand.Upsun).ValidateIssuer(spec, Credentials("UPSUN_CLI_TOKEN", AdminToken));

        Assert.Equal("spec.upsun.apiUrl", problem?.Field);
    }

    [Fact]
    public void ValidateIssuer_AuthUrlNotAbsolute_NamesAuthUrlOfTheBrand()
    {
        var spec = Spec(UpsunBrand.Platformsh, new UpsunIssuer { AuthUrl = "auth.api.platform.sh" });

        var problem = Vendor(UpsunBrand.Platformsh).ValidateIssuer(spec, Credentials("PLATFORMSH_CLI_TOKEN", AdminToken));

        Assert.Equal("spec.platformsh.authUrl", problem?.Field);
        Assert.Contains("https://auth.api.platform.sh", problem!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateIssuer_BlankUserId_NamesUserId()
    {
        var spec = Spec(UpsunBrand.Upsun, new UpsunIssuer { UserId = "  " });

        var problem = Vendor(UpsunBrand.Upsun).ValidateIssuer(spec, Credentials("UPSUN_CLI_TOKEN", AdminToken));

        Assert.Equal("spec.upsun.userId", problem?.Field);
    }

    [Theory]
    [InlineData("upsun", null, null)]
    [InlineData("upsun", "UPSUN_CLI_TOKEN", "")]
    [InlineData("upsun", "UPSUN_CLI_TOKEN", " \n")]
    [InlineData("upsun", "PLATFORMSH_CLI_TOKEN", AdminToken)]
    [InlineData("platformsh", "UPSUN_CLI_TOKEN", AdminToken)]
    public void ValidateIssuer_MissingOrEmptyCredential_NamesTheBrandsKey(string brandName, string? key, string? value)
    {
        var brand = BrandOf(brandName);
        var spec = Spec(brand, new UpsunIssuer());
        var credentials = key is null ? new Dictionary<string, byte[]>() : Credentials(key, value!);

        var problem = Vendor(brand).ValidateIssuer(spec, credentials);

        Assert.Equal(brand.TokenKey, problem?.Field);
        Assert.Contains("'admin-credentials'", problem!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateRequest_PlanetScaleOptions_NamesThatField()
    {
        var problem = Vendor(UpsunBrand.Upsun).ValidateRequest(new ServiceTokenSpec { PlanetScale = new PlanetScaleTokenRequest() });

        Assert.Equal("spec.planetscale", problem?.Field);
    }

    [Fact]
    public void ValidateRequest_AkkaOptions_NamesThatField()
    {
        var problem = Vendor(UpsunBrand.Platformsh).ValidateRequest(new ServiceTokenSpec { Akka = new AkkaTokenRequest() });

        Assert.Equal("spec.akka", problem?.Field);
    }

    [Fact]
    public void ValidateRequest_NoVendorOptions_HasNoProblem()
    {
        Assert.Null(Vendor(UpsunBrand.Upsun).ValidateRequest(new ServiceTokenSpec()));
    }

    [Theory]
    [InlineData("upsun", "https://auth.upsun.com/oauth2/token", "https://api.upsun.com/users/me")]
    [InlineData("platformsh", "https://auth.api.platform.sh/oauth2/token", "https://api.platform.sh/users/me")]
    public async Task Connect_WithoutUrls_CallsTheBrandsDefaultHosts(string brandName, string tokenUrl, string meUrl)
    {
        var brand = BrandOf(brandName);
        var handler = new StubHandler((request, _) => request.RequestUri!.AbsolutePath == "/oauth2/token"
            ? UpsunResponses.AccessToken("jwt-1")
            : UpsunResponses.Json(HttpStatusCode.OK, """{"id":"user-1","username":"machine"}"""));
        var provider = Vendor(brand, handler).Connect(Account(brand, new UpsunIssuer()));

        await provider.RevokeAsync("token-1", default);

        Assert.Equal(
            [tokenUrl, meUrl, $"{meUrl[..^"me".Length]}user-1/api-tokens/token-1"],
            handler.Requests.Select(r => r.Uri.AbsoluteUri));
    }

    [Fact]
    public async Task Connect_TokenExchange_IsTheApiTokenGrantWithThePublicApiClient()
    {
        var handler = new StubHandler((_, _) => UpsunResponses.InvalidGrant());
        var provider = Vendor(UpsunBrand.Upsun, handler).Connect(Account(UpsunBrand.Upsun, new UpsunIssuer { AuthUrl = "https://auth.example.test/base/" }));

        await Assert.ThrowsAsync<VendorException>(() => provider.CheckCredentialAsync(default));

        var exchange = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, exchange.Method);
        Assert.Equal("https://auth.example.test/base/oauth2/token", exchange.Uri.AbsoluteUri);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("platform-api-user:")), exchange.Authorization);
        Assert.Equal("application/x-www-form-urlencoded", exchange.ContentType);
        Assert.Equal("grant_type=api_token&api_token=" + AdminToken, exchange.Body);
    }

    [Fact]
    public async Task Create_SendsTheNameAndReturnsTheValueUnderTheBrandsKey()
    {
        var handler = new StubHandler((request, _) => request.RequestUri!.AbsolutePath == "/oauth2/token"
            ? UpsunResponses.AccessToken("jwt-1")
            : UpsunResponses.Json(HttpStatusCode.Created,
                """{"id":"t-1","name":"n-r1","mfa_on_creation":false,"token":"NEWSECRET","created_at":"2026-03-01T12:00:00Z","updated_at":"2026-03-01T12:00:00Z","last_used_at":null,"_links":{"self":{"href":"x"}}}"""));
        var provider = Vendor(UpsunBrand.Platformsh, handler).Connect(Account(UpsunBrand.Platformsh, new UpsunIssuer { UserId = "u-9" }));

        var issued = await provider.CreateAsync(new TokenRequest("n-r1", new ServiceTokenSpec()), default);

        var create = handler.Requests.Last();
        Assert.Equal("https://api.platform.sh/users/u-9/api-tokens", create.Uri.AbsoluteUri);
        Assert.Equal("Bearer jwt-1", create.Authorization);
        Assert.Equal("""{"name":"n-r1"}""", create.Body);
        Assert.Equal("t-1", issued.TokenId);
        Assert.Equal("NEWSECRET", issued.Values["PLATFORMSH_CLI_TOKEN"]);
        Assert.Equal("PLATFORMSH_CLI_TOKEN", issued.Values.TokenKey);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero), issued.CreatedAt);
        Assert.Null(issued.ExpiresAt);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "InvalidRequest")]
    [InlineData(HttpStatusCode.Conflict, "AlreadyExists")]
    [InlineData(HttpStatusCode.Forbidden, "PermissionDenied")]
    [InlineData(HttpStatusCode.NotFound, "NotFound")]
    [InlineData(HttpStatusCode.Unauthorized, "CredentialRejected")]
    [InlineData(HttpStatusCode.TooManyRequests, "RateLimited")]
    [InlineData(HttpStatusCode.InternalServerError, "Unavailable")]
    [InlineData(HttpStatusCode.BadGateway, "Unavailable")]
    public async Task Create_ApiError_MapsToKindWithoutSecrets(HttpStatusCode status, string kindName)
    {
        var kind = Enum.Parse<VendorErrorKind>(kindName);
        var handler = new StubHandler((request, _) =>
        {
            if (request.RequestUri!.AbsolutePath == "/oauth2/token") return UpsunResponses.AccessToken("jwt-secret-value");
            var response = UpsunResponses.Json(status, """{"error":"something went wrong"}""");
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(12));
            return response;
        });
        var provider = Vendor(UpsunBrand.Upsun, handler).Connect(Account(UpsunBrand.Upsun, new UpsunIssuer { UserId = "u-1" }));

        var error = await Assert.ThrowsAsync<VendorException>(() => provider.CreateAsync(new TokenRequest("n", new ServiceTokenSpec()), default));

        Assert.Equal(kind, error.Kind);
        Assert.Contains(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.Contains("something went wrong", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("jwt-secret-value", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(AdminToken, error.ToString(), StringComparison.Ordinal);
        Assert.Equal(kind == VendorErrorKind.RateLimited ? TimeSpan.FromSeconds(12) : null, error.RetryAfter);
        // A 401 is retried once with a fresh access token; nothing else is repeated.
        Assert.Equal(status == HttpStatusCode.Unauthorized ? 4 : 2, handler.Requests.Count);
    }

    [Fact]
    public void MaxTokenNameLength_IsTheSameForBothBrands()
    {
        Assert.Equal(Vendor(UpsunBrand.Upsun).MaxTokenNameLength, Vendor(UpsunBrand.Platformsh).MaxTokenNameLength);
        Assert.InRange(Vendor(UpsunBrand.Upsun).MaxTokenNameLength, 40, 255);
    }

    private static UpsunBrand BrandOf(string name) => name == "upsun" ? UpsunBrand.Upsun : UpsunBrand.Platformsh;

    private static UpsunVendor Vendor(UpsunBrand brand, HttpMessageHandler? handler = null) =>
        new(brand, new StubHttpClientFactory(handler ?? new StubHandler(Task<HttpResponseMessage> (_, _) => throw new InvalidOperationException("no network"))), new FakeTimeProvider(), NullLoggerFactory.Instance);

    private static TokenIssuerSpec Spec(UpsunBrand brand, UpsunIssuer issuer)
    {
        var spec = new TokenIssuerSpec { CredentialsSecretRef = new SecretReference { Name = "admin-credentials" } };
        if (brand == UpsunBrand.Upsun) spec.Upsun = issuer;
        else spec.Platformsh = issuer;
        return spec;
    }

    private static Dictionary<string, byte[]> Credentials(string key, string value) => new() { [key] = Encoding.UTF8.GetBytes(value) };

    private static IssuerAccount Account(UpsunBrand brand, UpsunIssuer issuer) =>
        new("TokenIssuer/ns/test", Spec(brand, issuer), Credentials(brand.TokenKey, AdminToken + "\n"));
}
