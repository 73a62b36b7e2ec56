namespace ServiceTokenOperator.Providers.PlanetScale;

/// <summary>Where and as whom a <see cref="PlanetScaleApiClient"/> calls.</summary>
/// <param name="ApiUrl">API base without /v1.</param>
internal sealed record PlanetScaleConnection(Uri ApiUrl, string Organization, string TokenId, string Token)
{
    // The credential must never be printed.
    public override string ToString() => $"PlanetScaleConnection {{ ApiUrl = {ApiUrl}, Organization = {Organization}, TokenId = {TokenId} }}";
}
