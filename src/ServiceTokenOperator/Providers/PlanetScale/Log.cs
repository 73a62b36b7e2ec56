namespace ServiceTokenOperator.Providers.PlanetScale;

/// <summary>Log messages of the PlanetScale provider. Token ids and names only; never token values.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Created PlanetScale service token {TokenId} ({TokenName}) in organization {Organization}")]
    public static partial void TokenCreated(this ILogger logger, string tokenId, string tokenName, string organization);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "Granted {Accesses} on database {Database} to PlanetScale service token {TokenId}")]
    public static partial void AccessGranted(this ILogger logger, string tokenId, string database, IReadOnlyList<string> accesses);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Revoked PlanetScale service token {TokenId} in organization {Organization}")]
    public static partial void TokenRevoked(this ILogger logger, string tokenId, string organization);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "PlanetScale service token {TokenId} in organization {Organization} was already gone")]
    public static partial void TokenAlreadyGone(this ILogger logger, string tokenId, string organization);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Granting accesses to PlanetScale service token {TokenId} failed; revoking it so that it does not linger")]
    public static partial void GrantFailedRevoking(this ILogger logger, string tokenId);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "Could not revoke PlanetScale service token {TokenId} after a failed grant; the orphan sweep will find it")]
    public static partial void CleanupRevokeFailed(this ILogger logger, string tokenId, Exception exception);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Information, Message = "Removed {Accesses} on database {Database} from PlanetScale service token {TokenId}")]
    public static partial void AccessRemoved(this ILogger logger, string tokenId, string database, IReadOnlyList<string> accesses);
}
