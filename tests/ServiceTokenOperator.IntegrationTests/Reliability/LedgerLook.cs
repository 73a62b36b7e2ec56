namespace ServiceTokenOperator.IntegrationTests.Reliability;

/// <summary>One observation of both sides of the invariants.</summary>
/// <param name="PerIssuer">Per sandbox issuer: its live tokens of this cluster and the ids its Secrets hold.</param>
/// <param name="ServiceTokens">ServiceTokens in the namespace.</param>
/// <param name="Quiet">Every ServiceToken issued, no grace period running, and its Secret holding its status token.</param>
internal sealed record LedgerLook(IReadOnlyDictionary<string, IssuerLook> PerIssuer, int ServiceTokens, bool Quiet);
