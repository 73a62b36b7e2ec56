namespace ServiceTokenOperator.Providers.PlanetScale;

/// <summary>PlanetScale's error body.</summary>
internal sealed record PlanetScaleError(string? Code, string? Message);
