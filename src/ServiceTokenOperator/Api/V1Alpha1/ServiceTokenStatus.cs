using System.Text.Json.Serialization;
using k8s.Models;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>Observed state of a ServiceToken.</summary>
public sealed class ServiceTokenStatus
{
    /// <summary>The metadata.generation this status describes.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>Ready, Rotating and Stalled.</summary>
    [JsonPropertyName("conditions")]
    public List<V1Condition>? Conditions { get; set; }

    /// <summary>Issuance counter: the revision of the token the Secret holds.</summary>
    [JsonPropertyName("revision")]
    public long? Revision { get; set; }

    /// <summary>Vendor id of the token the Secret holds.</summary>
    [JsonPropertyName("tokenId")]
    public string? TokenId { get; set; }

    /// <summary>Vendor-side name of the token the Secret holds.</summary>
    [JsonPropertyName("tokenName")]
    public string? TokenName { get; set; }

    /// <summary>Resolved issuer, as Kind/name.</summary>
    [JsonPropertyName("issuer")]
    public string? Issuer { get; set; }

    /// <summary>When the current token was issued.</summary>
    [JsonPropertyName("issuedAt")]
    public DateTime? IssuedAt { get; set; }

    /// <summary>Vendor-side expiry of the current token, if it has one.</summary>
    [JsonPropertyName("expiresAt")]
    public DateTime? ExpiresAt { get; set; }

    /// <summary>When the operator will rotate the token next.</summary>
    [JsonPropertyName("nextRotationAt")]
    public DateTime? NextRotationAt { get; set; }

    /// <summary>Previous tokens waiting for their grace period to end before revocation.</summary>
    [JsonPropertyName("pendingRevocations")]
    public List<PendingRevocation>? PendingRevocations { get; set; }

    /// <summary>Name of the Secret holding the token.</summary>
    [JsonPropertyName("secretName")]
    public string? SecretName { get; set; }

    /// <summary>Keyed HMAC of the Secret data the operator wrote, to notice drift. Never the data itself.</summary>
    [JsonPropertyName("secretMac")]
    public string? SecretMac { get; set; }

    /// <summary>Fingerprint of the vendor request as binding.grants: a change of the binding (issuer, ttl, scopes) issues a new revision; a change of the grants (PlanetScale accesses) is applied to the live token.</summary>
    [JsonPropertyName("requestHash")]
    public string? RequestHash { get; set; }

    /// <summary>The last servicetoken.dev/rotate annotation value handled.</summary>
    [JsonPropertyName("lastRotateRequest")]
    public string? LastRotateRequest { get; set; }

    /// <summary>The most recent failure, kept until the next success.</summary>
    [JsonPropertyName("lastFailure")]
    public FailureRecord? LastFailure { get; set; }

    /// <summary>Consecutive failed attempts; reset on success.</summary>
    [JsonPropertyName("failedAttempts")]
    public int? FailedAttempts { get; set; }
}
