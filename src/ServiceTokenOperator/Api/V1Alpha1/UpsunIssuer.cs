using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>Upsun or Platform.sh machine user. Credential key: UPSUN_CLI_TOKEN or PLATFORMSH_CLI_TOKEN.</summary>
public sealed class UpsunIssuer
{
    /// <summary>API base URL. Default https://api.upsun.com (Upsun) or https://api.platform.sh (Platform.sh).</summary>
    [JsonPropertyName("apiUrl")]
    public string? ApiUrl { get; set; }

    /// <summary>Auth server base URL. Default https://auth.upsun.com (Upsun) or https://auth.api.platform.sh (Platform.sh).</summary>
    [JsonPropertyName("authUrl")]
    public string? AuthUrl { get; set; }

    /// <summary>The machine user's id. Default: looked up with GET /users/me.</summary>
    [JsonPropertyName("userId")]
    public string? UserId { get; set; }
}
