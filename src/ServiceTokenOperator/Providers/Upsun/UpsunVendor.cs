using System.Text;
using ServiceTokenOperator.Api.V1Alpha1;

namespace ServiceTokenOperator.Providers.Upsun;

/// <summary>Upsun or Platform.sh (one API, two brands): checks issuer blocks and connects machine users.</summary>
internal sealed class UpsunVendor(UpsunBrand brand, IHttpClientFactory httpClients, TimeProvider time, ILoggerFactory loggerFactory) : ITokenVendor
{
    /// <summary>
    /// Neither brand documents a limit on API token names. 64 fits every console and CLI listing seen, and
    /// leaves room for prefix, cluster, namespace, name and revision once shortened and hashed.
    /// </summary>
    public const int NameLimit = 64;

    private readonly ILogger _logger = loggerFactory.CreateLogger("ServiceTokenOperator.Providers.Upsun");

    public UpsunBrand Brand => brand;

    public string Name => brand.Name;

    public int MaxTokenNameLength => NameLimit;

    // The rate limits are not documented: one rotation (create, verify, revoke) every two seconds is conservative.
    public TimeSpan RotationSpacing => TimeSpan.FromSeconds(2);

    public ConfigProblem? ValidateIssuer(TokenIssuerSpec spec, IReadOnlyDictionary<string, byte[]> credentials)
    {
        var blocks = Vendors.BlocksOf(spec);
        if (blocks.Count != 1 || blocks[0] != brand.Name)
        {
            return new ConfigProblem("spec",
                $"exactly one vendor block must be set, {brand.Name} for {brand.DisplayName}; found: {(blocks.Count == 0 ? "none" : string.Join(", ", blocks))}");
        }

        var issuer = brand.BlockOf(spec)!;
        if (UrlProblem(issuer.ApiUrl, "apiUrl") is { } apiProblem) return apiProblem;
        if (UrlProblem(issuer.AuthUrl, "authUrl") is { } authProblem) return authProblem;
        if (issuer.UserId is not null && string.IsNullOrWhiteSpace(issuer.UserId))
        {
            return new ConfigProblem($"{brand.BlockField}.userId", "must not be empty; leave it out to look the user up with GET /users/me");
        }

        if (CredentialOf(credentials) is null)
        {
            return new ConfigProblem(brand.TokenKey,
                $"the credentials Secret '{spec.CredentialsSecretRef.Name}' needs a non-empty key {brand.TokenKey}: an API token of the {brand.DisplayName} machine user");
        }

        return null;
    }

    public ConfigProblem? ValidateRequest(ServiceTokenSpec spec)
    {
        // API tokens carry the user's full access: there is nothing to choose per token.
        if (spec.PlanetScale is not null)
        {
            return new ConfigProblem("spec.planetscale", $"{brand.DisplayName} API tokens take no request options; remove spec.planetscale");
        }

        if (spec.Akka is not null)
        {
            return new ConfigProblem("spec.akka", $"{brand.DisplayName} API tokens take no request options; remove spec.akka");
        }

        return null;
    }

    public ITokenProvider Connect(IssuerAccount account)
    {
        var issuer = brand.BlockOf(account.Spec)
            ?? throw new InvalidOperationException($"{account.IssuerKey} has no {brand.BlockField} block; call ValidateIssuer first");
        var adminApiToken = CredentialOf(account.Credentials)
            ?? throw new InvalidOperationException($"{account.IssuerKey} has no {brand.TokenKey} credential; call ValidateIssuer first");
        var apiUrl = string.IsNullOrWhiteSpace(issuer.ApiUrl) ? brand.DefaultApiUrl : new Uri(issuer.ApiUrl);
        var authUrl = string.IsNullOrWhiteSpace(issuer.AuthUrl) ? brand.DefaultAuthUrl : new Uri(issuer.AuthUrl);
        var auth = new UpsunAuthClient(httpClients, brand, authUrl, adminApiToken, account.IssuerKey, time, _logger);
        var api = new UpsunApiClient(httpClients, brand, apiUrl, auth, account.IssuerKey, time, _logger);
        return new UpsunProvider(brand, account.IssuerKey, issuer.UserId, api, auth, _logger);
    }

    /// <summary>The admin API token, trimmed: Secrets made with <c>echo</c> often end in a newline.</summary>
    private string? CredentialOf(IReadOnlyDictionary<string, byte[]> credentials) =>
        credentials.TryGetValue(brand.TokenKey, out var bytes) && Encoding.UTF8.GetString(bytes).Trim() is { Length: > 0 } token ? token : null;

    private ConfigProblem? UrlProblem(string? url, string field)
    {
        if (url is null) return null;
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Query.Length == 0
            ? null
            : new ConfigProblem($"{brand.BlockField}.{field}", $"must be an absolute http or https URL without a query, like {(field == "apiUrl" ? brand.DefaultApiUrl : brand.DefaultAuthUrl)}");
    }
}
