namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>Vendor names, as used in issuer blocks, status, metrics and the sandbox.</summary>
public static class Vendors
{
    public const string PlanetScale = "planetscale";
    public const string Upsun = "upsun";
    public const string Platformsh = "platformsh";
    public const string Akka = "akka";

    /// <summary>The vendor blocks set on an issuer spec; exactly one is valid.</summary>
    public static IReadOnlyList<string> BlocksOf(TokenIssuerSpec spec)
    {
        var blocks = new List<string>(1);
        if (spec.PlanetScale is not null) blocks.Add(PlanetScale);
        if (spec.Upsun is not null) blocks.Add(Upsun);
        if (spec.Platformsh is not null) blocks.Add(Platformsh);
        if (spec.Akka is not null) blocks.Add(Akka);
        return blocks;
    }
}
