using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Polly.Timeout;

namespace ServiceTokenOperator.Providers.PlanetScale;

/// <summary>
/// Typed calls of PlanetScale's service-token API (vendor-contracts.md). Every failure becomes a
/// <see cref="VendorException"/> whose message carries the status and PlanetScale's error code and message,
/// never the credential or a token value.
/// </summary>
/// <param name="http">The named client "planetscale": its pipeline retries GET and DELETE, never POST.</param>
internal sealed class PlanetScaleApiClient(HttpClient http, PlanetScaleConnection connection, TimeProvider time)
{
    private readonly string _serviceTokensUrl =
        $"{connection.ApiUrl.ToString().TrimEnd('/')}/v1/organizations/{Uri.EscapeDataString(connection.Organization)}/service-tokens";

    public PlanetScaleConnection Connection => connection;

    public async Task<PlanetScaleServiceToken> CreateServiceTokenAsync(string name, long? ttlSeconds, CancellationToken cancellationToken)
    {
        var body = JsonContent.Create(new CreateServiceTokenBody(name, ttlSeconds), PlanetScaleJsonContext.Default.CreateServiceTokenBody);
        return await SendAsync(HttpMethod.Post, _serviceTokensUrl, body, "create service token", PlanetScaleJsonContext.Default.PlanetScaleServiceToken, cancellationToken);
    }

    public async Task<PlanetScaleList<PlanetScaleServiceTokenAccess>> AddAccessAsync(
        string tokenId, string database, IReadOnlyList<string> accesses, CancellationToken cancellationToken)
    {
        var body = JsonContent.Create(new ServiceTokenAccessBody(database, accesses), PlanetScaleJsonContext.Default.ServiceTokenAccessBody);
        return await SendAsync(
            HttpMethod.Post,
            $"{TokenUrl(tokenId)}/access",
            body,
            $"grant accesses on database {database} to service token {tokenId}",
            PlanetScaleJsonContext.Default.PlanetScaleListPlanetScaleServiceTokenAccess,
            cancellationToken);
    }

    /// <summary>The accesses a service token holds ("show access").</summary>
    public async Task<PlanetScaleList<PlanetScaleServiceTokenAccess>> GetAccessAsync(string tokenId, CancellationToken cancellationToken) =>
        await SendAsync(
            HttpMethod.Get,
            $"{TokenUrl(tokenId)}/access",
            null,
            $"show accesses of service token {tokenId}",
            PlanetScaleJsonContext.Default.PlanetScaleListPlanetScaleServiceTokenAccess,
            cancellationToken);

    /// <summary>Takes accesses on a database away from a service token: DELETE with the add call's JSON body.</summary>
    public async Task RemoveAccessAsync(string tokenId, string database, IReadOnlyList<string> accesses, CancellationToken cancellationToken)
    {
        var body = JsonContent.Create(new ServiceTokenAccessBody(database, accesses), PlanetScaleJsonContext.Default.ServiceTokenAccessBody);
        using var response = await SendRawAsync(
            HttpMethod.Delete, $"{TokenUrl(tokenId)}/access", body, $"remove accesses on database {database} from service token {tokenId}", cancellationToken);
    }

    public async Task<PlanetScaleList<PlanetScaleServiceToken>> ListServiceTokensAsync(int page, int perPage, CancellationToken cancellationToken) =>
        await SendAsync(
            HttpMethod.Get,
            $"{_serviceTokensUrl}?page={page.ToString(CultureInfo.InvariantCulture)}&per_page={perPage.ToString(CultureInfo.InvariantCulture)}",
            null,
            "list service tokens",
            PlanetScaleJsonContext.Default.PlanetScaleListPlanetScaleServiceToken,
            cancellationToken);

    public async Task<PlanetScaleServiceToken> GetServiceTokenAsync(string tokenId, CancellationToken cancellationToken) =>
        await SendAsync(HttpMethod.Get, TokenUrl(tokenId), null, $"get service token {tokenId}", PlanetScaleJsonContext.Default.PlanetScaleServiceToken, cancellationToken);

    public async Task DeleteServiceTokenAsync(string tokenId, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(HttpMethod.Delete, TokenUrl(tokenId), null, $"delete service token {tokenId}", cancellationToken);
    }

    private string TokenUrl(string tokenId) => $"{_serviceTokensUrl}/{Uri.EscapeDataString(tokenId)}";

    private async Task<T> SendAsync<T>(
        HttpMethod method, string url, HttpContent? content, string operation, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, url, content, operation, cancellationToken);
        try
        {
            return await response.Content.ReadFromJsonAsync(typeInfo, cancellationToken)
                ?? throw new VendorException(VendorErrorKind.Unavailable, $"PlanetScale {operation}: empty answer ({(int)response.StatusCode}).");
        }
        catch (JsonException e)
        {
            // The exception's own message may quote the body, which holds a token value after a create.
            throw new VendorException(VendorErrorKind.Unavailable, $"PlanetScale {operation}: unreadable answer ({(int)response.StatusCode}) at {e.Path}.");
        }
    }

    /// <summary>The successful response; anything else is thrown as a <see cref="VendorException"/>.</summary>
    private async Task<HttpResponseMessage> SendRawAsync(
        HttpMethod method, string url, HttpContent? content, string operation, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Accept.ParseAdd("application/json");

        // PlanetScale's scheme-less form "<ID>:<TOKEN>" is no valid AuthenticationHeaderValue.
        request.Headers.TryAddWithoutValidation("Authorization", $"{connection.TokenId}:{connection.Token}");

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (TimeoutRejectedException)
        {
            throw new VendorException(VendorErrorKind.Unavailable, $"PlanetScale {operation}: timed out.");
        }
        catch (OperationCanceledException)
        {
            throw new VendorException(VendorErrorKind.Unavailable, $"PlanetScale {operation}: timed out.");
        }
        catch (HttpRequestException e)
        {
            throw new VendorException(VendorErrorKind.Unavailable, $"PlanetScale {operation}: {connection.ApiUrl.Host} unreachable ({e.HttpRequestError}).", inner: e);
        }

        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            throw await ToExceptionAsync(response, operation, cancellationToken);
        }
    }

    private async Task<VendorException> ToExceptionAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var error = await ReadErrorAsync(response, cancellationToken);
        var detail = $"{status} {error?.Code ?? response.ReasonPhrase ?? "error"}{(string.IsNullOrEmpty(error?.Message) ? "" : ": " + error.Message)}";
        var message = $"PlanetScale {operation} failed ({Scrub(detail)}).";
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new VendorException(
                VendorErrorKind.CredentialRejected,
                $"{message} PlanetScale rejected service token {connection.TokenId}: check {PlanetScaleDefaults.TokenIdKey} and " +
                $"{PlanetScaleDefaults.TokenKey} in the issuer's credential Secret (the token may be deleted or expired)."),
            HttpStatusCode.Forbidden => new VendorException(VendorErrorKind.PermissionDenied, message),
            HttpStatusCode.NotFound => new VendorException(VendorErrorKind.NotFound, message),
            HttpStatusCode.TooManyRequests => new VendorException(VendorErrorKind.RateLimited, message, RetryAfter(response)),
            HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => new VendorException(VendorErrorKind.InvalidRequest, message),
            HttpStatusCode.Conflict => new VendorException(VendorErrorKind.AlreadyExists, message),
            HttpStatusCode.RequestTimeout => new VendorException(VendorErrorKind.Unavailable, message),
            _ when status >= 500 => new VendorException(VendorErrorKind.Unavailable, message),
            _ => new VendorException(VendorErrorKind.InvalidRequest, message),
        };
    }

    private static async Task<PlanetScaleError?> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(PlanetScaleJsonContext.Default.PlanetScaleError, cancellationToken);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            // Not PlanetScale's JSON (a proxy's HTML page, an empty body): the status alone speaks.
            return null;
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    // A vendor message has no reason to echo the credential; if one ever does, it must not travel further.
    private string Scrub(string text) =>
        connection.Token.Length > 0 ? text.Replace(connection.Token, "***", StringComparison.Ordinal) : text;
}
