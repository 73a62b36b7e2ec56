namespace ServiceTokenOperator.Sandbox.Vendors.PlanetScale;

/// <summary>One entry of <c>service_token_accesses</c> and of the access endpoints' lists.</summary>
internal sealed record AccessJson(
    string Id,
    string Access,
    string Description,
    string ResourceName,
    string ResourceId,
    string ResourceType);
