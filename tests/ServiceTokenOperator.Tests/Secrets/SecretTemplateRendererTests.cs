using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Providers;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.Tests.Secrets;

public sealed class SecretTemplateRendererTests
{
    private const string TokenValue = "pscale_tkn_SECRET-VALUE-7f3a";

    private static readonly IssuedToken Issued = new(
        "tkn_id_1",
        "st-c1-apps-api-r1",
        new SecretValues(new Dictionary<string, string>
        {
            ["PLANETSCALE_SERVICE_TOKEN_ID"] = "tkn_id_1",
            ["PLANETSCALE_SERVICE_TOKEN"] = TokenValue,
            ["PLANETSCALE_ORG"] = "acme",
        }) { TokenKey = "PLANETSCALE_SERVICE_TOKEN" },
        DateTimeOffset.UnixEpoch,
        null);

    [Fact]
    public void Render_NoTemplate_WritesTheVendorDefaultKeys()
    {
        var data = SecretTemplateRenderer.Render(null, Issued);
        Assert.Equal(SecretTemplateRenderer.DefaultKeys(Vendors.PlanetScale).Order(), data.Keys.Order());
        Assert.Equal(TokenValue, data["PLANETSCALE_SERVICE_TOKEN"]);
    }

    [Fact]
    public void Render_TemplateWithoutData_KeepsTheDefaultKeys()
    {
        var data = SecretTemplateRenderer.Render(new SecretTemplate { Labels = new() { ["a"] = "b" } }, Issued);
        Assert.Equal(3, data.Count);
    }

    [Fact]
    public void Render_TemplateData_ReplacesTheDefaultKeysAndFillsEveryVariable()
    {
        var template = new SecretTemplate
        {
            Data = new()
            {
                ["DATABASE_TOKEN"] = "{{ .token }}",
                ["ID"] = "{{.tokenId}}",
                ["NAME"] = "{{ .tokenName }}",
                ["URL"] = "https://{{ .PLANETSCALE_SERVICE_TOKEN_ID }}:{{ .token }}@{{ .PLANETSCALE_ORG }}.example",
                ["LITERAL"] = "no placeholders",
            },
        };
        Assert.Null(SecretTemplateRenderer.Validate(template, Vendors.PlanetScale));

        var data = SecretTemplateRenderer.Render(template, Issued);

        Assert.Equal(["DATABASE_TOKEN", "ID", "LITERAL", "NAME", "URL"], data.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(TokenValue, data["DATABASE_TOKEN"]);
        Assert.Equal("tkn_id_1", data["ID"]);
        Assert.Equal("st-c1-apps-api-r1", data["NAME"]);
        Assert.Equal($"https://tkn_id_1:{TokenValue}@acme.example", data["URL"]);
        Assert.Equal("no placeholders", data["LITERAL"]);
    }

    [Theory]
    [InlineData(Vendors.PlanetScale, "PLANETSCALE_SERVICE_TOKEN_ID,PLANETSCALE_SERVICE_TOKEN,PLANETSCALE_ORG")]
    [InlineData(Vendors.Akka, "AKKA_TOKEN,AKKA_PROJECT")]
    [InlineData(Vendors.Upsun, "UPSUN_CLI_TOKEN")]
    [InlineData(Vendors.Platformsh, "PLATFORMSH_CLI_TOKEN")]
    [InlineData("unknown", "")]
    public void DefaultKeys_EachVendor_AreItsDocumentedVariableNames(string vendor, string keys) =>
        Assert.Equal(keys.Split(',', StringSplitOptions.RemoveEmptyEntries), SecretTemplateRenderer.DefaultKeys(vendor));

    [Theory]
    [InlineData("bad key", "{{ .token }}", "spec.secret.template.data.bad key")]
    [InlineData("slash/key", "{{ .token }}", "spec.secret.template.data.slash/key")]
    [InlineData("ünïcode", "{{ .token }}", "spec.secret.template.data.ünïcode")]
    [InlineData("DSN", "{{ .token", "spec.secret.template.data.DSN")]
    [InlineData("DSN", ".token }}", "spec.secret.template.data.DSN")]
    [InlineData("DSN", "{{ token }}", "spec.secret.template.data.DSN")]
    [InlineData("DSN", "{{ .password }}", "spec.secret.template.data.DSN")]
    [InlineData("DSN", "{{ .AKKA_TOKEN }}", "spec.secret.template.data.DSN")]
    [InlineData("DSN", "{{ .token }} {{", "spec.secret.template.data.DSN")]
    public void Validate_BrokenTemplate_NamesTheKey(string key, string value, string field)
    {
        var problem = SecretTemplateRenderer.Validate(new SecretTemplate { Data = new() { [key] = value } }, Vendors.PlanetScale);
        Assert.NotNull(problem);
        Assert.Equal(field, problem.Field);
    }

    [Fact]
    public void Validate_UnknownVariable_ListsTheKnownOnes()
    {
        var problem = SecretTemplateRenderer.Validate(new SecretTemplate { Data = new() { ["X"] = "{{ .secret }}" } }, Vendors.Akka)!;
        Assert.Contains(".secret", problem.Message, StringComparison.Ordinal);
        Assert.Contains(".AKKA_PROJECT", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("PLANETSCALE", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ProblemMessages_NeverEchoTheTemplateValue()
    {
        // A template value may carry literal credentials pasted by a user; a condition message must not repeat it.
        const string literal = "hunter2-literal-password";
        foreach (var value in (string[])[$"{literal} {{{{ .token", $"{literal} {{{{ .nope }}}}"])
        {
            var problem = SecretTemplateRenderer.Validate(new SecretTemplate { Data = new() { ["K"] = value } }, Vendors.PlanetScale)!;
            Assert.DoesNotContain(literal, problem.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(literal, problem.Field, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void IssuedToken_ToString_ShowsKeyNamesButNeverTheTokenValue()
    {
        var text = Issued.ToString();
        Assert.Contains("PLANETSCALE_SERVICE_TOKEN", text, StringComparison.Ordinal);
        Assert.DoesNotContain(TokenValue, text, StringComparison.Ordinal);
        Assert.DoesNotContain(TokenValue, Issued.Values.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoTemplateOrNoData_IsFine()
    {
        Assert.Null(SecretTemplateRenderer.Validate(null, Vendors.Upsun));
        Assert.Null(SecretTemplateRenderer.Validate(new SecretTemplate(), Vendors.Upsun));
    }
}
