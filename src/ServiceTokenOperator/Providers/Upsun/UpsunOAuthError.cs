using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Providers.Upsun;

/// <summary>An error body of the auth server (<c>error</c>, <c>error_description</c>) or of the API (<c>error</c>).</summary>
internal sealed record UpsunOAuthError(
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("error_description")] string? Description);
