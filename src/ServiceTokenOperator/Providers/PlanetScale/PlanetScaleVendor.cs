using System.Text;
using ServiceTokenOperator.Api.V1Alpha1;

namespace ServiceTokenOperator.Providers.PlanetScale;

/// <summary>PlanetScale service tokens (vendor-contracts.md "PlanetScale").</summary>
internal sealed class PlanetScaleVendor(IHttpClientFactory httpClientFactory, TimeProvider time, ILoggerFactory loggerFactory) : ITokenVendor
{
    public string Name => Vendors.PlanetScale;

    public int MaxTokenNameLength => PlanetScaleDefaults.MaxTokenNameLength;

    // 600 requests a minute per credential; a rotation costs up to ~5 (create, access grants, revoke): 60 a minute
    // leaves half the budget to everything else the account does.
    public TimeSpan RotationSpacing => TimeSpan.FromSeconds(1);

    public ConfigProblem? ValidateIssuer(TokenIssuerSpec spec, IReadOnlyDictionary<string, byte[]> credentials)
    {
        if (spec.PlanetScale is not { } planetScale)
        {
            return new ConfigProblem("spec.planetscale", "A PlanetScale issuer needs the spec.planetscale block.");
        }

        if (string.IsNullOrWhiteSpace(planetScale.Organization))
        {
            return new ConfigProblem("spec.planetscale.organization", "Set the PlanetScale organization name.");
        }

        if (planetScale.ApiUrl is { } apiUrl
            && (!Uri.TryCreate(apiUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            return new ConfigProblem("spec.planetscale.apiUrl", $"Must be an absolute http(s) URL such as {PlanetScaleDefaults.DefaultApiUrl}.");
        }

        var secretName = spec.CredentialsSecretRef.Name;
        foreach (var key in (string[])[PlanetScaleDefaults.TokenIdKey, PlanetScaleDefaults.TokenKey])
        {
            if (!credentials.TryGetValue(key, out var value) || Decode(value).Length == 0)
            {
                return new ConfigProblem(
                    key,
                    $"The credential Secret {secretName} needs a non-empty key {key} (a PlanetScale service token with " +
                    "read_service_tokens, write_service_tokens and delete_service_tokens).");
            }
        }

        if (Decode(credentials[PlanetScaleDefaults.TokenIdKey]).Contains(':', StringComparison.Ordinal))
        {
            return new ConfigProblem(
                PlanetScaleDefaults.TokenIdKey,
                $"{PlanetScaleDefaults.TokenIdKey} in Secret {secretName} must be the service token id alone (no ':').");
        }

        return null;
    }

    public ConfigProblem? ValidateRequest(ServiceTokenSpec spec)
    {
        if (spec.Akka is not null)
        {
            return new ConfigProblem("spec.akka", "The issuer is a PlanetScale organization: remove spec.akka and use spec.planetscale.");
        }

        if (spec.PlanetScale is not { } request) return null;

        if (request.Ttl is { } ttl && TtlSeconds(ttl) is null)
        {
            return new ConfigProblem("spec.planetscale.ttl", $"'{ttl}' is not a duration of at least 1s such as 2400h or 90m.");
        }

        var accesses = request.Accesses ?? [];
        for (var i = 0; i < accesses.Count; i++)
        {
            var field = $"spec.planetscale.accesses[{i}]";
            if (string.IsNullOrWhiteSpace(accesses[i].Database))
            {
                return new ConfigProblem($"{field}.database", "Name the database the accesses apply to.");
            }

            var permissions = accesses[i].Permissions;
            if (permissions.Count == 0)
            {
                return new ConfigProblem($"{field}.permissions", "List at least one database access, for example read_branch.");
            }

            for (var j = 0; j < permissions.Count; j++)
            {
                if (!PlanetScaleAccessNames.Database.Contains(permissions[j]))
                {
                    return new ConfigProblem(
                        $"{field}.permissions[{j}]",
                        $"'{permissions[j]}' is not a PlanetScale database access; valid: {string.Join(", ", PlanetScaleAccessNames.Database.Order(StringComparer.Ordinal))}.");
                }
            }
        }

        return null;
    }

    public ITokenProvider Connect(IssuerAccount account)
    {
        var planetScale = account.Spec.PlanetScale
            ?? throw new InvalidOperationException($"Issuer {account.IssuerKey} has no planetscale block; validate it first.");
        var connection = new PlanetScaleConnection(
            new Uri(planetScale.ApiUrl ?? PlanetScaleDefaults.DefaultApiUrl),
            planetScale.Organization.Trim(),
            Decode(account.Credentials[PlanetScaleDefaults.TokenIdKey]),
            Decode(account.Credentials[PlanetScaleDefaults.TokenKey]));
        var client = new PlanetScaleApiClient(httpClientFactory.CreateClient(PlanetScaleDefaults.HttpClientName), connection, time);
        return new PlanetScaleProvider(client, loggerFactory.CreateLogger<PlanetScaleProvider>());
    }

    /// <summary>The ttl in whole seconds as PlanetScale takes it; null unless a duration of at least 1s.</summary>
    internal static long? TtlSeconds(string ttl) =>
        GoDuration.TryParse(ttl, out var value) && value >= TimeSpan.FromSeconds(1) ? (long)value.TotalSeconds : null;

    // Secrets written with `kubectl create secret --from-file` often end in a newline, which is never part of a token.
    private static string Decode(byte[] value) => Encoding.UTF8.GetString(value).Trim();
}
