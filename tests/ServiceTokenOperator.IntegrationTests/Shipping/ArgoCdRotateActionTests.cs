using System.Globalization;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.IntegrationTests.Shipping;

/// <summary>The "rotate" resource action of a ServiceToken under real Lua 5.1.</summary>
public sealed class ArgoCdRotateActionTests
{
    [Theory]
    [InlineData("servicetoken-ready.json", false)]
    [InlineData("servicetoken-deleting.json", true)]
    public async Task Discovery_OffersRotate_DisabledOnlyWhileDeleting(string fixture, bool disabled)
    {
        var actions = await ArgoCdScripts.RunAsync(ArgoCdScripts.Customization("ServiceToken", "actions", "discovery.lua"), ArgoCdScripts.Fixture(fixture));

        Assert.Equal(disabled, (bool)actions["rotate"]!["disabled"]!);
    }

    [Theory]
    [InlineData("servicetoken-ready.json")]
    [InlineData("servicetoken-deleting.json")]
    public async Task RotateAction_SetsRotateAnnotationToTimestamp_KeepingTheRest(string fixture)
    {
        var result = await ArgoCdScripts.RunAsync(ArgoCdScripts.Customization("ServiceToken", "actions", "rotate", "action.lua"), ArgoCdScripts.Fixture(fixture));

        var value = (string)result["metadata"]!["annotations"]![SecretLabels.Rotate]!;
        Assert.True(
            DateTimeOffset.TryParseExact(value, "yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _),
            $"{SecretLabels.Rotate} is \"{value}\", not a UTC timestamp");
        Assert.Equal("ci", (string?)result["metadata"]!["name"]);
        Assert.Equal("planetscale", (string?)result["spec"]!["issuerRef"]!["name"]);
        if (fixture == "servicetoken-deleting.json") Assert.Equal("payments", (string?)result["metadata"]!["annotations"]!["team"]);
    }
}
