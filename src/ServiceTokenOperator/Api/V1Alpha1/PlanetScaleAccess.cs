using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>Permissions of a PlanetScale service token on one database.</summary>
public sealed class PlanetScaleAccess
{
    /// <summary>Database name.</summary>
    [JsonPropertyName("database")]
    public string Database { get; set; } = "";

    /// <summary>PlanetScale access names, for example read_branch, connect_branch, create_deploy_request.</summary>
    [JsonPropertyName("permissions")]
    public List<string> Permissions { get; set; } = [];
}
