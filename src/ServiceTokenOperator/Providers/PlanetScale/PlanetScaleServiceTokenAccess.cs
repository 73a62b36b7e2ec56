namespace ServiceTokenOperator.Providers.PlanetScale;

/// <summary>One access of a service token.</summary>
internal sealed record PlanetScaleServiceTokenAccess(string Id, string Access, string? ResourceName, string? ResourceType);
