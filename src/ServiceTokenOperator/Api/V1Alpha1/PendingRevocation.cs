using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>A replaced token that will be revoked at revokeAt.</summary>
public sealed class PendingRevocation
{
    /// <summary>Vendor id of the token.</summary>
    [JsonPropertyName("tokenId")]
    public string TokenId { get; set; } = "";

    /// <summary>When the token is revoked.</summary>
    [JsonPropertyName("revokeAt")]
    public DateTime RevokeAt { get; set; }

    /// <summary>The issuer that created it (Kind/name or Kind/namespace/name): after an issuerRef change the old token is revoked where it lives.</summary>
    [JsonPropertyName("issuer")]
    public string? Issuer { get; set; }
}
