namespace ServiceTokenOperator.Sandbox.Vendors.PlanetScale;

/// <summary>The paged list envelope of the contract.</summary>
internal sealed record ListJson<T>(
    string Type,
    int CurrentPage,
    int PerPage,
    int? NextPage,
    string? NextPageUrl,
    int? PrevPage,
    string? PrevPageUrl,
    int TotalCount,
    int TotalPages,
    IReadOnlyList<T> Data);
