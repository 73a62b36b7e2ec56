using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>A workload in the ServiceToken's namespace to restart after a rotation.</summary>
public sealed class RestartTarget
{
    /// <summary>Deployment, StatefulSet or DaemonSet.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "";

    /// <summary>Name of the workload.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";
}
