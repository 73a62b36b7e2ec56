using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>Akka project service token options.</summary>
public sealed class AkkaTokenRequest
{
    /// <summary>Token scopes: all, container_registry, execution, projects. Unset: all.</summary>
    [JsonPropertyName("scopes")]
    public List<string>? Scopes { get; set; }
}
