using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>PlanetScale account. Credential keys: PLANETSCALE_SERVICE_TOKEN_ID and PLANETSCALE_SERVICE_TOKEN of a service token with read_/write_/delete_service_tokens.</summary>
public sealed class PlanetScaleIssuer
{
    /// <summary>Organization name.</summary>
    [JsonPropertyName("organization")]
    public string Organization { get; set; } = "";

    /// <summary>API base URL. Default https://api.planetscale.com.</summary>
    [JsonPropertyName("apiUrl")]
    public string? ApiUrl { get; set; }
}
