using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>Rotation policy.</summary>
public sealed class RotationSpec
{
    /// <summary>Rotation period as a duration (for example 2160h). Default 2160h (90 days). Not together with schedule.</summary>
    [JsonPropertyName("every")]
    public string? Every { get; set; }

    /// <summary>Cron expression (five fields, minute first) of rotation times. Not together with every.</summary>
    [JsonPropertyName("schedule")]
    public string? Schedule { get; set; }

    /// <summary>IANA time zone of schedule. Default UTC.</summary>
    [JsonPropertyName("timeZone")]
    public string? TimeZone { get; set; }

    /// <summary>How long the previous token stays valid after the Secret switched, as a duration. Default 10m.</summary>
    [JsonPropertyName("gracePeriod")]
    public string? GracePeriod { get; set; }

    /// <summary>Workloads restarted (pod template annotated) after the Secret switched.</summary>
    [JsonPropertyName("restartTargets")]
    public List<RestartTarget>? RestartTargets { get; set; }
}
