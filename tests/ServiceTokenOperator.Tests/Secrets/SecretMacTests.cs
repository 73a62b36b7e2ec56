using System.Text;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.Tests.Secrets;

public sealed class SecretMacTests
{
    private static readonly SecretMac Mac = new(Encoding.UTF8.GetBytes("key-one-0123456789abcdef"));

    [Fact]
    public void Compute_SameDataInAnyOrder_SameMac()
    {
        var a = new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" };
        var b = new Dictionary<string, string> { ["B"] = "2", ["A"] = "1" };
        Assert.Equal(Mac.Compute(a), Mac.Compute(b));
    }

    [Fact]
    public void Compute_StringAndByteOverloads_Agree()
    {
        var text = new Dictionary<string, string> { ["TOKEN"] = "välue" };
        var bytes = new Dictionary<string, byte[]> { ["TOKEN"] = Encoding.UTF8.GetBytes("välue") };
        Assert.Equal(Mac.Compute(text), Mac.Compute(bytes));
    }

    [Theory]
    [InlineData("TOKEN", "value-2")]
    [InlineData("TOKEN2", "value")]
    [InlineData("TOKEN", "value ")]
    public void Compute_AnyChangeOfKeyOrValue_ChangesTheMac(string key, string value)
    {
        var original = Mac.Compute(new Dictionary<string, string> { ["TOKEN"] = "value" });
        Assert.NotEqual(original, Mac.Compute(new Dictionary<string, string> { [key] = value }));
    }

    [Fact]
    public void Compute_AddedKey_ChangesTheMac() =>
        Assert.NotEqual(
            Mac.Compute(new Dictionary<string, string> { ["A"] = "1" }),
            Mac.Compute(new Dictionary<string, string> { ["A"] = "1", ["B"] = "" }));

    [Fact]
    public void Compute_BoundariesBetweenKeyAndValue_AreNotAmbiguous() =>
        // Length prefixes: "ab"="c" and "a"="bc" must not collide.
        Assert.NotEqual(
            Mac.Compute(new Dictionary<string, string> { ["ab"] = "c" }),
            Mac.Compute(new Dictionary<string, string> { ["a"] = "bc" }));

    [Fact]
    public void Compute_AnotherKey_GivesAnotherMac()
    {
        var data = new Dictionary<string, string> { ["TOKEN"] = "value" };
        Assert.NotEqual(Mac.Compute(data), new SecretMac(Encoding.UTF8.GetBytes("key-two-0123456789abcdef")).Compute(data));
    }

    [Fact]
    public void Compute_Output_IsTaggedAndNeverContainsTheData()
    {
        const string token = "pscale_tkn_very-secret";
        var mac = Mac.Compute(new Dictionary<string, string> { ["PLANETSCALE_SERVICE_TOKEN"] = token });
        Assert.StartsWith("hmac-sha256:", mac, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(mac["hmac-sha256:".Length..]).Length);
        Assert.DoesNotContain(token, mac, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(token)), mac, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_EmptyData_IsStable() =>
        Assert.Equal(Mac.Compute(new Dictionary<string, string>()), Mac.Compute(new Dictionary<string, byte[]>()));
}
