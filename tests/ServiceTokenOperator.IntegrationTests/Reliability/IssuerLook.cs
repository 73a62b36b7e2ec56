namespace ServiceTokenOperator.IntegrationTests.Reliability;

/// <summary>One issuer's side of a <see cref="LedgerLook"/>, both lists sorted.</summary>
/// <param name="Live">Live vendor tokens whose names carry this cluster's prefix.</param>
/// <param name="Held">Token ids the Secrets of this issuer's ServiceTokens hold.</param>
internal sealed record IssuerLook(IReadOnlyList<string> Live, IReadOnlyList<string> Held);
