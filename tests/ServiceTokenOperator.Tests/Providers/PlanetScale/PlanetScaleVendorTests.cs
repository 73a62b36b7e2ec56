using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Providers;
using ServiceTokenOperator.Providers.PlanetScale;

namespace ServiceTokenOperator.Tests.Providers.PlanetScale;

public sealed class PlanetScaleVendorTests
{
    private static readonly ITokenVendor Vendor = new ServiceCollection()
        .AddLogging()
        .AddPlanetScaleVendor()
        .BuildServiceProvider()
        .GetServices<ITokenVendor>()
        .Single(v => v.Name == "planetscale");

    private static TokenIssuerSpec Issuer(string organization = "acme", string? apiUrl = null) => new()
    {
        PlanetScale = new PlanetScaleIssuer { Organization = organization, ApiUrl = apiUrl },
        CredentialsSecretRef = new SecretReference { Name = "planetscale-admin" },
    };

    private static Dictionary<string, byte[]> Credentials(string? id = "txhc257pxjuc", string? token = "pscale_tkn_secret")
    {
        var credentials = new Dictionary<string, byte[]>();
        if (id is not null) credentials["PLANETSCALE_SERVICE_TOKEN_ID"] = Encoding.UTF8.GetBytes(id);
        if (token is not null) credentials["PLANETSCALE_SERVICE_TOKEN"] = Encoding.UTF8.GetBytes(token);
        return credentials;
    }

    private static ServiceTokenSpec Request(Action<PlanetScaleTokenRequest> configure)
    {
        var request = new PlanetScaleTokenRequest();
        configure(request);
        return new ServiceTokenSpec { PlanetScale = request };
    }

    [Fact]
    public void Vendor_Registration_HasNameAndNameLimit()
    {
        Assert.Equal("planetscale", Vendor.Name);
        Assert.Equal(64, Vendor.MaxTokenNameLength);
    }

    [Fact]
    public void ValidateIssuer_CompleteIssuer_HasNoProblem()
    {
        Assert.Null(Vendor.ValidateIssuer(Issuer(apiUrl: "http://127.0.0.1:8080"), Credentials()));
        Assert.Null(Vendor.ValidateIssuer(Issuer(), Credentials()));
    }

    [Fact]
    public void ValidateIssuer_NoPlanetScaleBlock_NamesBlock()
    {
        var problem = Vendor.ValidateIssuer(new TokenIssuerSpec { Akka = new AkkaIssuer() }, Credentials());
        Assert.Equal("spec.planetscale", problem?.Field);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void ValidateIssuer_NoOrganization_NamesOrganization(string organization)
    {
        Assert.Equal("spec.planetscale.organization", Vendor.ValidateIssuer(Issuer(organization), Credentials())?.Field);
    }

    [Theory]
    [InlineData("api.planetscale.com")]
    [InlineData("/v1")]
    [InlineData("ftp://api.planetscale.com")]
    [InlineData("not a url")]
    public void ValidateIssuer_BadApiUrl_NamesApiUrl(string apiUrl)
    {
        Assert.Equal("spec.planetscale.apiUrl", Vendor.ValidateIssuer(Issuer(apiUrl: apiUrl), Credentials())?.Field);
    }

    [Theory]
    [InlineData(null, "pscale_tkn_x", "PLANETSCALE_SERVICE_TOKEN_ID")]
    [InlineData("", "pscale_tkn_x", "PLANETSCALE_SERVICE_TOKEN_ID")]
    [InlineData("abc", null, "PLANETSCALE_SERVICE_TOKEN")]
    [InlineData("abc", " \n", "PLANETSCALE_SERVICE_TOKEN")]
    [InlineData("a:b", "pscale_tkn_x", "PLANETSCALE_SERVICE_TOKEN_ID")]
    public void ValidateIssuer_MissingOrEmptyKey_NamesKey(string? id, string? token, string key)
    {
        var problem = Vendor.ValidateIssuer(Issuer(), Credentials(id, token));
        Assert.Equal(key, problem?.Field);
        Assert.Contains("planetscale-admin", problem!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateIssuer_Problem_NeverShowsTokenValue()
    {
        var problem = Vendor.ValidateIssuer(Issuer(), Credentials("a:b", "pscale_tkn_topsecret"));
        Assert.NotNull(problem);
        Assert.DoesNotContain("topsecret", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateRequest_NoPlanetScaleBlock_HasNoProblem()
    {
        Assert.Null(Vendor.ValidateRequest(new ServiceTokenSpec()));
    }

    [Fact]
    public void ValidateRequest_AkkaBlock_NamesAkka()
    {
        Assert.Equal("spec.akka", Vendor.ValidateRequest(new ServiceTokenSpec { Akka = new AkkaTokenRequest() })?.Field);
    }

    [Fact]
    public void ValidateRequest_FullRequest_HasNoProblem()
    {
        var spec = Request(r =>
        {
            r.Ttl = "2400h";
            r.Accesses = [new PlanetScaleAccess { Database = "payments", Permissions = ["read_branch", "connect_branch", "create_deploy_request"] }];
        });
        Assert.Null(Vendor.ValidateRequest(spec));
    }

    [Theory]
    [InlineData("90 days")]
    [InlineData("0s")]
    [InlineData("500ms")]
    [InlineData("-1h")]
    [InlineData("10")]
    public void ValidateRequest_BadTtl_NamesTtl(string ttl)
    {
        Assert.Equal("spec.planetscale.ttl", Vendor.ValidateRequest(Request(r => r.Ttl = ttl))?.Field);
    }

    [Fact]
    public void ValidateRequest_UnknownPermission_NamesItsIndex()
    {
        var spec = Request(r => r.Accesses =
        [
            new PlanetScaleAccess { Database = "payments", Permissions = ["read_branch"] },
            new PlanetScaleAccess { Database = "inventory", Permissions = ["read_branch", "read_service_tokens"] },
        ]);
        var problem = Vendor.ValidateRequest(spec);
        Assert.Equal("spec.planetscale.accesses[1].permissions[1]", problem?.Field);
        Assert.Contains("read_service_tokens", problem!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateRequest_EmptyDatabase_NamesDatabase()
    {
        var spec = Request(r => r.Accesses = [new PlanetScaleAccess { Database = "", Permissions = ["read_branch"] }]);
        Assert.Equal("spec.planetscale.accesses[0].database", Vendor.ValidateRequest(spec)?.Field);
    }

    [Fact]
    public void ValidateRequest_NoPermissions_NamesPermissions()
    {
        var spec = Request(r => r.Accesses = [new PlanetScaleAccess { Database = "payments" }]);
        Assert.Equal("spec.planetscale.accesses[0].permissions", Vendor.ValidateRequest(spec)?.Field);
    }

    [Theory]
    [InlineData("2400h", 8_640_000L)]
    [InlineData("90m", 5_400L)]
    [InlineData("1.9s", 1L)]
    public void TtlSeconds_Duration_WholeSeconds(string ttl, long seconds)
    {
        Assert.Equal(seconds, PlanetScaleVendor.TtlSeconds(ttl));
    }

    [Fact]
    public void Connect_Issuer_ReturnsProvider()
    {
        var account = new IssuerAccount("ClusterTokenIssuer//acme", Issuer(), Credentials());
        Assert.IsType<PlanetScaleProvider>(Vendor.Connect(account));
    }
}
