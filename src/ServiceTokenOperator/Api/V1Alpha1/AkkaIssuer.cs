using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>Akka project. Credential key: AKKA_TOKEN, a refresh token of a project admin.</summary>
public sealed class AkkaIssuer
{
    /// <summary>Project id.</summary>
    [JsonPropertyName("project")]
    public string Project { get; set; } = "";

    /// <summary>Platform API host:port. Default api.kalix.io:443.</summary>
    [JsonPropertyName("apiHost")]
    public string? ApiHost { get; set; }

    /// <summary>Use plaintext HTTP/2 instead of TLS. Only for local simulators.</summary>
    [JsonPropertyName("insecure")]
    public bool? Insecure { get; set; }
}
