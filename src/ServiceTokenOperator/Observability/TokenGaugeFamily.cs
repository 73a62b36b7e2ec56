namespace ServiceTokenOperator.Observability;

/// <summary>One per-ServiceToken gauge family: its Prometheus name, HELP text and the value a token row gives it.</summary>
/// <param name="Value">The sample of a row; null leaves the token out of the family (e.g. a token that never expires).</param>
internal sealed record TokenGaugeFamily(string Name, string Help, Func<TokenGaugeRow, double?> Value);
