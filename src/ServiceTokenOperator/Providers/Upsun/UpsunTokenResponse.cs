using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Providers.Upsun;

/// <summary>The auth server's answer to the api_token grant. Unknown fields are ignored.</summary>
internal sealed record UpsunTokenResponse(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("token_type")] string? TokenType)
{
    public override string ToString() => $"UpsunTokenResponse {{ ExpiresIn = {ExpiresIn}, TokenType = {TokenType} }}";
}
