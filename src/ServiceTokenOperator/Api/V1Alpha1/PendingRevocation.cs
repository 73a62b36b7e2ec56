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
}
