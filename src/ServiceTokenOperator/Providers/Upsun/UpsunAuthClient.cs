using System.Net.Http.Headers;
using System.Text;

namespace ServiceTokenOperator.Providers.Upsun;

/// <summary>
/// The auth server of one issuer: exchanges the admin API token for access tokens (OAuth2 <c>api_token</c>
/// grant) and caches the current one until shortly before it expires. One exchange at a time.
/// </summary>
internal sealed class UpsunAuthClient(
    IHttpClientFactory httpClients,
    UpsunBrand brand,
    Uri authUrl,
    string adminApiToken,
    string issuerKey,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>The OAuth2 client of API integrations; the secret is empty (a public client).</summary>
    private static readonly AuthenticationHeaderValue ClientAuthentication =
        new("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("platform-api-user:")));

    /// <summary>How long before expiry an access token is replaced, so no call carries one that dies in flight.</summary>
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromSeconds(60);

    private readonly SemaphoreSlim _exchange = new(1, 1);
    private readonly Uri _tokenUrl = new(authUrl.AbsoluteUri.TrimEnd('/') + "/oauth2/token");
    private UpsunAccessToken? _current;

    /// <summary>A valid access token of the admin API token: the cached one, or a fresh exchange.</summary>
    public async Task<UpsunAccessToken> GetAccessTokenAsync(CancellationToken ct)
    {
        if (Usable(Volatile.Read(ref _current)) is { } cached) return cached;
        await _exchange.WaitAsync(ct);
        try
        {
            // Another caller may have exchanged while this one waited.
            if (Usable(_current) is { } fresh) return fresh;
            var token = await ExchangeAsync(adminApiToken, $"the API token in {brand.TokenKey}", ct);
            Volatile.Write(ref _current, token);
            logger.AccessTokenObtained(brand.Name, issuerKey, token.RefreshAt);
            return token;
        }
        finally
        {
            _exchange.Release();
        }
    }

    /// <summary>Drops <paramref name="rejected"/> from the cache (the API answered 401 to it) so the next call exchanges again.</summary>
    public void Invalidate(UpsunAccessToken rejected) => Interlocked.CompareExchange(ref _current, null, rejected);

    /// <summary>Exchanges any API token, uncached: also the validity check of a newly created token.</summary>
    /// <param name="whose">Names the token in error messages, never its value.</param>
    public async Task<UpsunAccessToken> ExchangeAsync(string apiToken, string whose, CancellationToken ct)
    {
        var startedAt = time.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, _tokenUrl)
        {
            Content = new FormUrlEncodedContent([new("grant_type", "api_token"), new("api_token", apiToken)]),
        };
        request.Headers.Authorization = ClientAuthentication;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        HttpResponseMessage response;
        try
        {
            response = await httpClients.CreateClient(UpsunRegistration.AuthClientName).SendAsync(request, ct);
        }
        catch (Exception e) when (UpsunErrors.FromTransport($"the {brand.DisplayName} token exchange", e, ct) is { } failure)
        {
            throw failure;
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await UpsunErrors.FromAuthResponseAsync(brand, whose, response, time, ct);
            }

            UpsunTokenResponse? body;
            try
            {
                body = await response.Content.ReadFromJsonAsync<UpsunTokenResponse>(ct);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException)
            {
                throw UpsunErrors.Unreadable($"the {brand.DisplayName} token exchange", e);
            }

            if (body is not { AccessToken: { Length: > 0 } value, ExpiresIn: > 0 })
            {
                throw UpsunErrors.Unreadable($"the {brand.DisplayName} token exchange");
            }

            // Counted from before the request was sent, so the cache errs on the early side.
            var lifetime = TimeSpan.FromSeconds(body.ExpiresIn);
            var margin = lifetime / 2 < RefreshMargin ? lifetime / 2 : RefreshMargin;
            return new UpsunAccessToken(value, startedAt + lifetime, startedAt + lifetime - margin);
        }
    }

    private UpsunAccessToken? Usable(UpsunAccessToken? token) => token is not null && time.GetUtcNow() < token.RefreshAt ? token : null;
}
