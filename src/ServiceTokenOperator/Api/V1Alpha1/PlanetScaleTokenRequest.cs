using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>PlanetScale service token options.</summary>
public sealed class PlanetScaleTokenRequest
{
    /// <summary>Vendor-side expiry as a duration (for example 2400h); rotation happens by 2/3 of it. Unset: the token does not expire.</summary>
    [JsonPropertyName("ttl")]
    public string? Ttl { get; set; }

    /// <summary>Database accesses granted to the token.</summary>
    [JsonPropertyName("accesses")]
    public List<PlanetScaleAccess>? Accesses { get; set; }
}
