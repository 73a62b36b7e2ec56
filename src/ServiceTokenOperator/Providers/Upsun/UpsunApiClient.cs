using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ServiceTokenOperator.Providers.Upsun;

/// <summary>
/// The API server of one issuer: the current user and a user's API tokens. Every call carries a cached access
/// token; an access token the API rejects (401) is exchanged again once before the credential counts as rejected.
/// </summary>
internal sealed class UpsunApiClient(
    IHttpClientFactory httpClients,
    UpsunBrand brand,
    Uri apiUrl,
    UpsunAuthClient auth,
    string issuerKey,
    TimeProvider time,
    ILogger logger)
{
    private readonly string _base = apiUrl.AbsoluteUri.TrimEnd('/');

    public async Task<UpsunUser> GetCurrentUserAsync(CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, "/users/me", null, ct);
        await EnsureSuccessAsync(response, "GET /users/me", ct);
        var user = await ReadAsync<UpsunUser>(response, "GET /users/me", ct);
        return string.IsNullOrEmpty(user.Id) ? throw UpsunErrors.Unreadable($"{brand.DisplayName} API GET /users/me") : user;
    }

    /// <summary>Creates an API token. Sent once: a create is never retried at the HTTP level, it could duplicate.</summary>
    public async Task<UpsunApiToken> CreateTokenAsync(string userId, string name, CancellationToken ct)
    {
        var path = TokensPath(userId);
        using var response = await SendAsync(HttpMethod.Post, path, new { name }, ct);
        await EnsureSuccessAsync(response, "POST " + path, ct);
        var token = await ReadAsync<UpsunApiToken>(response, "POST " + path, ct);
        return string.IsNullOrEmpty(token.Id) || string.IsNullOrEmpty(token.Token)
            ? throw UpsunErrors.Unreadable($"{brand.DisplayName} API POST {path}")
            : token;
    }

    public async Task<IReadOnlyList<UpsunApiToken>> ListTokensAsync(string userId, CancellationToken ct)
    {
        var path = TokensPath(userId);
        using var response = await SendAsync(HttpMethod.Get, path, null, ct);
        await EnsureSuccessAsync(response, "GET " + path, ct);
        return await ReadAsync<List<UpsunApiToken>>(response, "GET " + path, ct);
    }

    /// <summary>Deletes an API token; false when it was already gone (404).</summary>
    public async Task<bool> DeleteTokenAsync(string userId, string tokenId, CancellationToken ct)
    {
        var path = TokensPath(userId) + "/" + Uri.EscapeDataString(tokenId);
        using var response = await SendAsync(HttpMethod.Delete, path, null, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureSuccessAsync(response, "DELETE " + path, ct);
        return true;
    }

    private static string TokensPath(string userId) => $"/users/{Uri.EscapeDataString(userId)}/api-tokens";

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        var accessToken = await auth.GetAccessTokenAsync(ct);
        var response = await SendOnceAsync(method, path, body, accessToken, ct);
        if (response.StatusCode != HttpStatusCode.Unauthorized) return response;

        // The access token may have been revoked or signed with a rotated key: exchange once more, then give up.
        response.Dispose();
        logger.AccessTokenRejected(brand.Name, issuerKey);
        auth.Invalidate(accessToken);
        return await SendOnceAsync(method, path, body, await auth.GetAccessTokenAsync(ct), ct);
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpMethod method, string path, object? body, UpsunAccessToken accessToken, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(_base + path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken.Value);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null) request.Content = JsonContent.Create(body);
        try
        {
            return await httpClients.CreateClient(UpsunRegistration.ApiClientName).SendAsync(request, ct);
        }
        catch (Exception e) when (UpsunErrors.FromTransport($"{brand.DisplayName} API {method} {path}", e, ct) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>Any 2xx is success: the documented codes are 200, 201 and 204, and a 200 in place of a 204 means the same.</summary>
    private async Task EnsureSuccessAsync(HttpResponseMessage response, string call, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        throw await UpsunErrors.FromApiResponseAsync(brand, call, response, time, ct);
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, string call, CancellationToken ct)
        where T : class
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(ct) ?? throw UpsunErrors.Unreadable($"{brand.DisplayName} API {call}");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            throw UpsunErrors.Unreadable($"{brand.DisplayName} API {call}", e);
        }
    }
}
