using System.Text;
using ServiceTokenOperator.Api.V1Alpha1;

namespace ServiceTokenOperator.Providers.Akka;

/// <summary>Akka project service tokens over the gRPC Platform API (vendor-contracts.md "Akka").</summary>
internal sealed class AkkaVendor(TimeProvider time, ILoggerFactory loggerFactory) : ITokenVendor
{
    public const string DefaultApiHost = "api.kalix.io:443";

    /// <summary>The credential key of the issuer Secret, and the Secret key of issued tokens: the variable the CLI reads.</summary>
    public const string TokenKey = "AKKA_TOKEN";

    public const string ProjectKey = "AKKA_PROJECT";

    public string Name => Vendors.Akka;

    // Akka documents no limit for a service token's description (where the operator's name goes). 128 keeps the
    // operator's <prefix>-<cluster-id>-<namespace>-<name>-r<n> names whole in most clusters while staying short
    // enough for the CLI's `akka project tokens list` table and any plausible server-side limit.
    public int MaxTokenNameLength => 128;

    // Rate limits are undocumented (RESOURCE_EXHAUSTED exists): one rotation every two seconds is conservative.
    public TimeSpan RotationSpacing => TimeSpan.FromSeconds(2);

    /// <summary>Timeout of each gRPC call. Default 10 s.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public ConfigProblem? ValidateIssuer(TokenIssuerSpec spec, IReadOnlyDictionary<string, byte[]> credentials)
    {
        if (spec.Akka is not { } akka) return new ConfigProblem("spec.akka", "an Akka issuer needs the spec.akka block");
        if (string.IsNullOrWhiteSpace(akka.Project)) return new ConfigProblem("spec.akka.project", "the Akka project id is required");
        if (akka.Project.Contains('/', StringComparison.Ordinal)) return new ConfigProblem("spec.akka.project", "the Akka project id must not contain '/'");
        if (akka.ApiHost is not null && !IsHostAndPort(akka.ApiHost))
        {
            return new ConfigProblem("spec.akka.apiHost", $"expected host:port, e.g. {DefaultApiHost}");
        }

        if (!credentials.TryGetValue(TokenKey, out var token) || Encoding.UTF8.GetString(token).Trim().Length == 0)
        {
            return new ConfigProblem(TokenKey, $"the credential Secret needs key {TokenKey}: a refresh token of a project admin");
        }

        return null;
    }

    public ConfigProblem? ValidateRequest(ServiceTokenSpec spec)
    {
        if (spec.PlanetScale is not null) return new ConfigProblem("spec.planetscale", "an Akka issuer takes spec.akka, not spec.planetscale");
        return AkkaScopes.Validate(spec.Akka?.Scopes);
    }

    public ITokenProvider Connect(IssuerAccount account)
    {
        var akka = account.Spec.Akka ?? throw new InvalidOperationException($"{account.IssuerKey} has no spec.akka block; call ValidateIssuer first");
        // TLS by default; plaintext HTTP/2 only when the issuer opts in, for local simulators.
        var scheme = akka.Insecure == true ? "http" : "https";
        var address = new Uri($"{scheme}://{akka.ApiHost ?? DefaultApiHost}");
        // Secrets written with `echo` carry a trailing newline, which would make every bearer header invalid.
        var refreshToken = Encoding.UTF8.GetString(account.Credentials[TokenKey]).Trim();
        var client = new AkkaApiClient(address, account.IssuerKey, refreshToken, time, CallTimeout, loggerFactory.CreateLogger<AkkaApiClient>());
        return new AkkaProvider(client, account.IssuerKey, akka.Project.Trim(), time, loggerFactory.CreateLogger<AkkaProvider>());
    }

    private static bool IsHostAndPort(string value)
    {
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || value.Contains("://", StringComparison.Ordinal)) return false;
        return int.TryParse(value[(colon + 1)..], out var port) && port is > 0 and <= 65535
            && Uri.CheckHostName(value[..colon].Trim('[', ']')) != UriHostNameType.Unknown;
    }
}
