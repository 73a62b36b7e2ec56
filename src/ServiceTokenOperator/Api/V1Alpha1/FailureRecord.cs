using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>A failed attempt.</summary>
public sealed class FailureRecord
{
    /// <summary>When it failed.</summary>
    [JsonPropertyName("time")]
    public DateTime Time { get; set; }

    /// <summary>Machine-readable reason.</summary>
    [JsonPropertyName("reason")]
    public string Reason { get; set; } = "";

    /// <summary>What went wrong, for a person.</summary>
    [JsonPropertyName("message")]
    public string Message { get; set; } = "";
}
