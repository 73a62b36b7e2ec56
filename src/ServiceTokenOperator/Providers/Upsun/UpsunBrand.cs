using ServiceTokenOperator.Api.V1Alpha1;

namespace ServiceTokenOperator.Providers.Upsun;

/// <summary>
/// Everything that differs between Upsun and Platform.sh, which share one API: names, default hosts, the
/// consumer variable (also the credential Secret key) and the issuer block.
/// </summary>
/// <param name="Name">Vendor name: issuer block, status, metrics.</param>
/// <param name="DisplayName">For messages.</param>
/// <param name="DefaultApiUrl">API base when the issuer sets no apiUrl.</param>
/// <param name="DefaultAuthUrl">Auth server base when the issuer sets no authUrl.</param>
/// <param name="TokenKey">The variable the vendor's CLI reads: the issued token's Secret key and the admin credential's key.</param>
internal sealed record UpsunBrand(string Name, string DisplayName, Uri DefaultApiUrl, Uri DefaultAuthUrl, string TokenKey)
{
    public static UpsunBrand Upsun { get; } = new(
        Vendors.Upsun, "Upsun", new Uri("https://api.upsun.com"), new Uri("https://auth.upsun.com"), "UPSUN_CLI_TOKEN");

    public static UpsunBrand Platformsh { get; } = new(
        Vendors.Platformsh, "Platform.sh", new Uri("https://api.platform.sh"), new Uri("https://auth.api.platform.sh"), "PLATFORMSH_CLI_TOKEN");

    /// <summary>The spec path of this brand's issuer block, for problems.</summary>
    public string BlockField => "spec." + Name;

    /// <summary>This brand's issuer block, if set.</summary>
    public UpsunIssuer? BlockOf(TokenIssuerSpec spec) => Name == Vendors.Upsun ? spec.Upsun : spec.Platformsh;
}
