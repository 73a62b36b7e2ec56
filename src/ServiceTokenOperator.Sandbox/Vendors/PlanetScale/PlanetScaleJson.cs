using System.Text.Json;

namespace ServiceTokenOperator.Sandbox.Vendors.PlanetScale;

/// <summary>Wire formats of the simulated API: snake_case names, nulls written (the contract shows <c>next_page: null</c>).</summary>
internal static class PlanetScaleJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>PlanetScale's timestamp form, e.g. 2021-01-14T10:19:23.000Z.</summary>
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
