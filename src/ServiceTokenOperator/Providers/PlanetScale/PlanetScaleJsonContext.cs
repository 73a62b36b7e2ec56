using System.Text.Json.Serialization;

namespace ServiceTokenOperator.Providers.PlanetScale;

/// <summary>Source-generated JSON for PlanetScale's snake_case wire format.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PlanetScaleServiceToken))]
[JsonSerializable(typeof(PlanetScaleList<PlanetScaleServiceToken>))]
[JsonSerializable(typeof(PlanetScaleList<PlanetScaleServiceTokenAccess>))]
[JsonSerializable(typeof(PlanetScaleError))]
[JsonSerializable(typeof(CreateServiceTokenBody))]
[JsonSerializable(typeof(ServiceTokenAccessBody))]
internal sealed partial class PlanetScaleJsonContext : JsonSerializerContext;
