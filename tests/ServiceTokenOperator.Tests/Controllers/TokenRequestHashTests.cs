using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;

namespace ServiceTokenOperator.Tests.Controllers;

/// <summary>status.requestHash as binding and grants: which change of the spec moves which part.</summary>
public sealed class TokenRequestHashTests
{
    // What the single-fingerprint TokenRequestHash.Of wrote for Spec() before binding and grants were split:
    // SHA-256 of ["ClusterTokenIssuer","acme","2400h",[["payments",["connect_branch","read_branch"]],["inventory",["read_branch"]]],null], 16 hex.
    private const string LegacyOfSpec = "fad1af3d86d002aa";

    private static ServiceTokenSpec Spec(Action<ServiceTokenSpec>? change = null)
    {
        var spec = new ServiceTokenSpec
        {
            IssuerRef = new IssuerReference { Kind = ClusterTokenIssuer.KindName, Name = "acme" },
            PlanetScale = new PlanetScaleTokenRequest
            {
                Ttl = "2400h",
                Accesses =
                [
                    new PlanetScaleAccess { Database = "payments", Permissions = ["read_branch", "connect_branch"] },
                    new PlanetScaleAccess { Database = "inventory", Permissions = ["read_branch"] },
                ],
            },
        };
        change?.Invoke(spec);
        return spec;
    }

    public static TheoryData<string, Action<ServiceTokenSpec>> BindingChanges => new()
    {
        { "another issuer name", s => s.IssuerRef.Name = "acme-2" },
        { "another issuer kind", s => s.IssuerRef.Kind = TokenIssuer.KindName },
        { "another ttl", s => s.PlanetScale!.Ttl = "720h" },
        { "no ttl", s => s.PlanetScale!.Ttl = null },
        { "Akka scopes", s => s.Akka = new AkkaTokenRequest { Scopes = ["execution"] } },
    };

    public static TheoryData<string, Action<ServiceTokenSpec>> GrantChanges => new()
    {
        { "an access added", s => s.PlanetScale!.Accesses![0].Permissions.Add("create_deploy_request") },
        { "an access removed", s => s.PlanetScale!.Accesses![0].Permissions.Remove("connect_branch") },
        { "a database dropped", s => s.PlanetScale!.Accesses!.RemoveAt(1) },
        { "an access moved to another database", s => s.PlanetScale!.Accesses![1].Database = "billing" },
        { "no accesses", s => s.PlanetScale!.Accesses = null },
    };

    [Theory]
    [MemberData(nameof(BindingChanges))]
    public void Of_BindingChange_MovesBindingOnly(string change, Action<ServiceTokenSpec> apply)
    {
        var recorded = TokenRequestHash.Of(Spec());
        var changed = Spec(apply);
        Assert.False(TokenRequestHash.BindingMatches(recorded, changed), change);
        Assert.True(TokenRequestHash.GrantsMatch(recorded, changed), change);
    }

    [Theory]
    [MemberData(nameof(GrantChanges))]
    public void Of_GrantChange_MovesGrantsOnly(string change, Action<ServiceTokenSpec> apply)
    {
        var recorded = TokenRequestHash.Of(Spec());
        var changed = Spec(apply);
        Assert.True(TokenRequestHash.BindingMatches(recorded, changed), change);
        Assert.False(TokenRequestHash.GrantsMatch(recorded, changed), change);
    }

    [Fact]
    public void Of_IsBindingDotGrants()
    {
        var spec = Spec();
        Assert.Equal($"{TokenRequestHash.Binding(spec)}.{TokenRequestHash.Grants(spec)}", TokenRequestHash.Of(spec));
        Assert.Matches("^[0-9a-f]{16}\\.[0-9a-f]{16}$", TokenRequestHash.Of(spec));
    }

    [Fact]
    public void Grants_OrderAndRepeatedEntries_DoNotCount()
    {
        var reordered = Spec(s => s.PlanetScale!.Accesses =
        [
            new PlanetScaleAccess { Database = "inventory", Permissions = ["read_branch"] },
            new PlanetScaleAccess { Database = "payments", Permissions = ["connect_branch"] },
            new PlanetScaleAccess { Database = "payments", Permissions = ["read_branch", "connect_branch"] },
        ]);
        Assert.Equal(TokenRequestHash.Grants(Spec()), TokenRequestHash.Grants(reordered));
    }

    [Fact]
    public void Grants_SameNameOnAnotherDatabase_Differs()
    {
        // "payments/read_branch" and "inventory/read_branch" are different grants, not one name in a bag.
        var a = Spec(s => s.PlanetScale!.Accesses = [new PlanetScaleAccess { Database = "payments", Permissions = ["read_branch"] }]);
        var b = Spec(s => s.PlanetScale!.Accesses = [new PlanetScaleAccess { Database = "inventory", Permissions = ["read_branch"] }]);
        Assert.NotEqual(TokenRequestHash.Grants(a), TokenRequestHash.Grants(b));
    }

    [Fact]
    public void Matches_NothingRecorded_NeitherMatches()
    {
        Assert.False(TokenRequestHash.BindingMatches(null, Spec()));
        Assert.False(TokenRequestHash.GrantsMatch(null, Spec()));
    }

    [Fact]
    public void Legacy_IsTheValueWrittenBeforeTheSplit()
    {
        Assert.Equal(LegacyOfSpec, TokenRequestHash.Legacy(Spec()));
    }

    [Fact]
    public void Matches_LegacyValueOfSameRequest_BothMatch()
    {
        // An operator upgrade must not re-issue every token whose status was written by the old version.
        Assert.True(TokenRequestHash.BindingMatches(LegacyOfSpec, Spec()));
        Assert.True(TokenRequestHash.GrantsMatch(LegacyOfSpec, Spec()));
    }

    [Theory]
    [MemberData(nameof(GrantChanges))]
    public void Matches_LegacyValueAndGrantChange_BindingDiffers(string change, Action<ServiceTokenSpec> apply)
    {
        // A legacy value cannot tell grants from binding: any change needs a new token, as it did then.
        Assert.False(TokenRequestHash.BindingMatches(LegacyOfSpec, Spec(apply)), change);
    }
}
