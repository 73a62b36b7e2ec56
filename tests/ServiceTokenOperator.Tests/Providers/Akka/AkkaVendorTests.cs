using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Providers.Akka;

namespace ServiceTokenOperator.Tests.Providers.Akka;

public sealed class AkkaVendorTests
{
    private readonly AkkaVendor _vendor = new(new FakeTimeProvider(), NullLoggerFactory.Instance);

    [Fact]
    public void ValidateIssuer_ProjectAndCredential_NoProblem()
    {
        Assert.Null(_vendor.ValidateIssuer(Issuer(), Credentials("akka-rt.abc")));
        Assert.Null(_vendor.ValidateIssuer(Issuer(apiHost: "127.0.0.1:8443"), Credentials("akka-rt.abc")));
        Assert.Null(_vendor.ValidateIssuer(Issuer(apiHost: "localhost:50051"), Credentials("akka-rt.abc")));
    }

    [Theory]
    [InlineData("", "spec.akka.project")]
    [InlineData("  ", "spec.akka.project")]
    [InlineData("a/b", "spec.akka.project")]
    public void ValidateIssuer_BadProject_NamesTheField(string project, string field)
    {
        var problem = _vendor.ValidateIssuer(Issuer(project: project), Credentials("akka-rt.abc"));

        Assert.Equal(field, problem?.Field);
    }

    [Theory]
    [InlineData("api.kalix.io")]
    [InlineData("https://api.kalix.io:443")]
    [InlineData("api.kalix.io:0")]
    [InlineData("api.kalix.io:70000")]
    [InlineData(":443")]
    [InlineData("bad host:443")]
    public void ValidateIssuer_ApiHostNotHostColonPort_NamesApiHost(string apiHost)
    {
        var problem = _vendor.ValidateIssuer(Issuer(apiHost: apiHost), Credentials("akka-rt.abc"));

        Assert.Equal("spec.akka.apiHost", problem?.Field);
    }

    [Fact]
    public void ValidateIssuer_CredentialKeyMissingOrBlank_NamesAkkaToken()
    {
        var missing = _vendor.ValidateIssuer(Issuer(), new Dictionary<string, byte[]> { ["OTHER"] = [1] });
        var blank = _vendor.ValidateIssuer(Issuer(), Credentials("\n"));

        Assert.Equal("AKKA_TOKEN", missing?.Field);
        Assert.Equal("AKKA_TOKEN", blank?.Field);
    }

    [Fact]
    public void ValidateIssuer_NoAkkaBlock_NamesSpecAkka()
    {
        var problem = _vendor.ValidateIssuer(new TokenIssuerSpec { PlanetScale = new PlanetScaleIssuer() }, Credentials("x"));

        Assert.Equal("spec.akka", problem?.Field);
    }

    [Fact]
    public void ValidateRequest_PlanetScaleBlock_NamesIt()
    {
        var problem = _vendor.ValidateRequest(new ServiceTokenSpec { PlanetScale = new PlanetScaleTokenRequest() });

        Assert.Equal("spec.planetscale", problem?.Field);
    }

    [Fact]
    public void ValidateRequest_UnknownScope_NamesItsIndex()
    {
        var problem = _vendor.ValidateRequest(new ServiceTokenSpec { Akka = new AkkaTokenRequest { Scopes = ["execution", "user"] } });

        Assert.Equal("spec.akka.scopes[1]", problem?.Field);
        Assert.Contains("\"user\"", problem!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateRequest_KnownScopesAnyCaseOrNone_NoProblem()
    {
        Assert.Null(_vendor.ValidateRequest(new ServiceTokenSpec()));
        Assert.Null(_vendor.ValidateRequest(new ServiceTokenSpec { Akka = new AkkaTokenRequest() }));
        Assert.Null(_vendor.ValidateRequest(new ServiceTokenSpec { Akka = new AkkaTokenRequest { Scopes = ["ALL", "Container_Registry", "execution", "projects"] } }));
    }

    [Fact]
    public void Name_IsAkka_AndNamesFitTheChosenLimit()
    {
        Assert.Equal(Vendors.Akka, _vendor.Name);
        Assert.Equal(128, _vendor.MaxTokenNameLength);
    }

    private static TokenIssuerSpec Issuer(string project = "0b6f8e2c-7d57-4b7b-9f55-1f1f6f1c2a11", string? apiHost = null) =>
        new() { Akka = new AkkaIssuer { Project = project, ApiHost = apiHost } };

    private static Dictionary<string, byte[]> Credentials(string token) => new() { ["AKKA_TOKEN"] = Encoding.UTF8.GetBytes(token) };
}
