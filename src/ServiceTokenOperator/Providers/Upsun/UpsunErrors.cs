using System.Net.Http.Headers;
using System.Text.Json;
using Polly.Timeout;

namespace ServiceTokenOperator.Providers.Upsun;

/// <summary>
/// Turns failed calls into <see cref="VendorException"/>s. Messages name the call, the status and the vendor's
/// error code; response bodies are never copied whole, so nothing secret can ride along.
/// </summary>
internal static class UpsunErrors
{
    private const int MaxVendorTextLength = 160;

    /// <summary>A failed API answer (any status but the expected ones).</summary>
    public static async Task<VendorException> FromApiResponseAsync(UpsunBrand brand, string call, HttpResponseMessage response, TimeProvider time, CancellationToken ct)
    {
        var error = await ErrorOfAsync(response, ct);
        var status = (int)response.StatusCode;
        var message = $"{brand.DisplayName} API {call} answered {status}{(error is null ? "" : $" ({error})")}";
        return status switch
        {
            401 => new VendorException(VendorErrorKind.CredentialRejected,
                $"{message}: the access token from the API token in {brand.TokenKey} was rejected twice"),
            403 => new VendorException(VendorErrorKind.PermissionDenied,
                $"{message}: the API token in {brand.TokenKey} may manage only its own user's API tokens; check userId"),
            404 => new VendorException(VendorErrorKind.NotFound, message),
            400 or 422 => new VendorException(VendorErrorKind.InvalidRequest, message),
            409 => new VendorException(VendorErrorKind.AlreadyExists, message),
            429 => new VendorException(VendorErrorKind.RateLimited, message, RetryAfterOf(response, time)),
            _ => new VendorException(VendorErrorKind.Unavailable, message),
        };
    }

    /// <summary>A failed answer of the auth server to the api_token grant.</summary>
    /// <param name="whose">Which API token was exchanged, e.g. "the API token in UPSUN_CLI_TOKEN".</param>
    public static async Task<VendorException> FromAuthResponseAsync(UpsunBrand brand, string whose, HttpResponseMessage response, TimeProvider time, CancellationToken ct)
    {
        var error = await ErrorOfAsync(response, ct);
        var status = (int)response.StatusCode;
        return (status, error) switch
        {
            (400 or 401, "invalid_grant") => new VendorException(VendorErrorKind.CredentialRejected,
                $"{whose} was rejected by the {brand.DisplayName} auth server (invalid_grant)"),
            (401, _) => new VendorException(VendorErrorKind.CredentialRejected,
                $"the {brand.DisplayName} auth server rejected the OAuth2 client ({status}{(error is null ? "" : $", {error}")})"),
            (429, _) => new VendorException(VendorErrorKind.RateLimited,
                $"the {brand.DisplayName} auth server answered 429 to the token exchange", RetryAfterOf(response, time)),
            (>= 500, _) => new VendorException(VendorErrorKind.Unavailable,
                $"the {brand.DisplayName} auth server answered {status} to the token exchange"),
            _ => new VendorException(VendorErrorKind.InvalidRequest,
                $"the {brand.DisplayName} auth server answered {status}{(error is null ? "" : $" ({error})")} to the token exchange"),
        };
    }

    /// <summary>A call that got no answer: connection refused, reset, timed out. Null when the caller cancelled.</summary>
    public static VendorException? FromTransport(string what, Exception exception, CancellationToken ct) =>
        exception switch
        {
            _ when ct.IsCancellationRequested => null,
            HttpRequestException http => new VendorException(VendorErrorKind.Unavailable,
                $"{what} failed: {(http.HttpRequestError == HttpRequestError.Unknown ? "no answer" : http.HttpRequestError.ToString())}", inner: exception),
            TimeoutRejectedException or TaskCanceledException or OperationCanceledException => new VendorException(VendorErrorKind.Unavailable,
                $"{what} timed out", inner: exception),
            _ => null,
        };

    /// <summary>A 2xx answer whose body could not be read as expected.</summary>
    public static VendorException Unreadable(string what, Exception? inner = null) =>
        new(VendorErrorKind.Unavailable, $"{what} answered a body that is not the documented JSON", inner: inner);

    public static TimeSpan? RetryAfterOf(HttpResponseMessage response, TimeProvider time)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta) return delta;
        if (retryAfter?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static async Task<string?> ErrorOfAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.Content.Headers.ContentType is not MediaTypeHeaderValue { MediaType: { } mediaType } || !mediaType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var body = await response.Content.ReadFromJsonAsync<UpsunOAuthError>(ct);
            var error = body?.Error;
            if (string.IsNullOrWhiteSpace(error)) return null;
            return error.Length <= MaxVendorTextLength ? error : error[..MaxVendorTextLength] + "…";
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
