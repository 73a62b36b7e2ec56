namespace ServiceTokenOperator.Providers.PlanetScale;

/// <summary>PlanetScale's fixed values: endpoints, Secret keys, limits.</summary>
internal static class PlanetScaleDefaults
{
    /// <summary>API base when the issuer sets no apiUrl; the client appends /v1.</summary>
    public const string DefaultApiUrl = "https://api.planetscale.com";

    /// <summary>The named HttpClient (with its resilience pipeline) every PlanetScale provider uses.</summary>
    public const string HttpClientName = "planetscale";

    /// <summary>Credential Secret key and token Secret key: the service token id.</summary>
    public const string TokenIdKey = "PLANETSCALE_SERVICE_TOKEN_ID";

    /// <summary>Credential Secret key and token Secret key: the service token value.</summary>
    public const string TokenKey = "PLANETSCALE_SERVICE_TOKEN";

    /// <summary>Token Secret key: the organization, so consumers need no second source.</summary>
    public const string OrganizationKey = "PLANETSCALE_ORG";

    /// <summary>
    /// PlanetScale documents no limit on service token names. 64 keeps the names readable in its console and far
    /// below any plausible column limit, while leaving room for prefix, cluster, namespace, name and revision.
    /// </summary>
    public const int MaxTokenNameLength = 64;

    /// <summary>Page size for listing: the API's documented default, so no undocumented maximum is relied on.</summary>
    public const int ListPageSize = 25;

    /// <summary>
    /// A 429 whose Retry-After is longer than this is not retried inside the HTTP call: the reconciler gets the
    /// wait in <see cref="VendorException.RetryAfter"/> instead of a worker blocking on it.
    /// </summary>
    public static readonly TimeSpan MaxRetryAfterToWait = TimeSpan.FromSeconds(10);

    /// <summary>Timeout of one HTTP attempt.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Timeout of one call with its retries.</summary>
    public static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(45);
}
