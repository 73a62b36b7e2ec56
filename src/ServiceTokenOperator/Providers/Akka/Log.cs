namespace ServiceTokenOperator.Providers.Akka;

/// <summary>Log messages of the Akka provider. Token ids may appear; token values never do.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "Akka access token for {IssuerKey} renewed; it expires at {ExpiresAt}")]
    public static partial void AccessTokenRenewed(this ILogger logger, string issuerKey, DateTimeOffset? expiresAt);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "Akka {Rpc} for {IssuerKey} answered UNAUTHENTICATED; renewing the access token and retrying once")]
    public static partial void AccessTokenRejected(this ILogger logger, string rpc, string issuerKey);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Akka service token {TokenId} created in project {Project} for {IssuerKey}")]
    public static partial void TokenCreated(this ILogger logger, string tokenId, string project, string issuerKey);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Akka service token {TokenId} revoked in project {Project} for {IssuerKey}")]
    public static partial void TokenRevoked(this ILogger logger, string tokenId, string project, string issuerKey);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Debug, Message = "Akka service token {TokenId} was already gone from project {Project}")]
    public static partial void TokenAlreadyGone(this ILogger logger, string tokenId, string project);
}
