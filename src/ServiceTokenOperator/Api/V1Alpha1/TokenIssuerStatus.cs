using System.Text.Json.Serialization;
using k8s.Models;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>Observed state of an issuer.</summary>
public sealed class TokenIssuerStatus
{
    /// <summary>The metadata.generation this status describes.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>Ready: the credential was checked against the vendor.</summary>
    [JsonPropertyName("conditions")]
    public List<V1Condition>? Conditions { get; set; }

    /// <summary>The vendor of this issuer: planetscale, upsun, platformsh or akka.</summary>
    [JsonPropertyName("vendor")]
    public string? Vendor { get; set; }

    /// <summary>When the credential was last checked.</summary>
    [JsonPropertyName("lastCheckedAt")]
    public DateTime? LastCheckedAt { get; set; }

    /// <summary>When the orphan sweep last listed this issuer's vendor account (tokens of this cluster that nothing references are revoked).</summary>
    [JsonPropertyName("lastOrphanSweep")]
    public DateTime? LastOrphanSweep { get; set; }

    /// <summary>Orphaned vendor tokens the orphan sweeps of this issuer have revoked, in total.</summary>
    [JsonPropertyName("orphansRevoked")]
    public int? OrphansRevoked { get; set; }
}
