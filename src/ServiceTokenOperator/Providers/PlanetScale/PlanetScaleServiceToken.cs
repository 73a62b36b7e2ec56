namespace ServiceTokenOperator.Providers.PlanetScale;

/// <summary>The token object, as far as the operator reads it. <see cref="Token"/> is set only in a create answer.</summary>
internal sealed record PlanetScaleServiceToken(
    string Id,
    string? Token,
    string? Name,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    IReadOnlyList<PlanetScaleServiceTokenAccess>? ServiceTokenAccesses)
{
    // The secret must never be printed.
    public override string ToString() => $"PlanetScaleServiceToken {{ Id = {Id}, Name = {Name} }}";
}
