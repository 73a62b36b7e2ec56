namespace ServiceTokenOperator.Providers.PlanetScale;

/// <summary>The paged list envelope; <see cref="NextPage"/> is null on the last page.</summary>
internal sealed record PlanetScaleList<T>(int? CurrentPage, int? NextPage, int? TotalCount, IReadOnlyList<T>? Data);
