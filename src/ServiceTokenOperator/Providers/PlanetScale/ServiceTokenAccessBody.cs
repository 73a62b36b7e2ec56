namespace ServiceTokenOperator.Providers.PlanetScale;

/// <summary>Body of the add-access call.</summary>
internal sealed record ServiceTokenAccessBody(string Database, IReadOnlyList<string> Access);
