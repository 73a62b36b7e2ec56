namespace ServiceTokenOperator.Sweep;

/// <summary>Log messages of the orphan sweep. Token ids and names may be logged; token values never.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "{Issuer}: orphan sweep revoked vendor token {TokenId} ({TokenName}): no ServiceToken or Secret references it")]
    public static partial void OrphanRevoked(ILogger logger, string issuer, string tokenId, string? tokenName);

    [LoggerMessage(2, LogLevel.Debug, "{Issuer}: orphan sweep listed {Listed} tokens, {Ours} of this cluster, revoked {Revoked}")]
    public static partial void Swept(ILogger logger, string issuer, int listed, int ours, int revoked);

    [LoggerMessage(3, LogLevel.Warning, "{Issuer}: orphan sweep failed ({Kind}): {Message}")]
    public static partial void SweepFailed(ILogger logger, string issuer, string kind, string message);
}
