namespace ServiceTokenOperator.Providers.PlanetScale;

/// <summary>Body of the create call; a null ttl is left out (no expiry).</summary>
internal sealed record CreateServiceTokenBody(string Name, long? Ttl);
