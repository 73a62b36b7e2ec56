namespace ServiceTokenOperator.Providers.Upsun;

/// <summary>Log messages of the Upsun / Platform.sh provider. Token ids and names only, never values.</summary>
internal static partial class Log
{
    [LoggerMessage(LogLevel.Debug, "{Vendor} access token obtained for {IssuerKey}, refreshed after {RefreshAt:o}")]
    public static partial void AccessTokenObtained(this ILogger logger, string vendor, string issuerKey, DateTimeOffset refreshAt);

    [LoggerMessage(LogLevel.Debug, "{Vendor} API rejected the access token of {IssuerKey}; exchanging the API token again")]
    public static partial void AccessTokenRejected(this ILogger logger, string vendor, string issuerKey);

    [LoggerMessage(LogLevel.Debug, "{Vendor} user id of {IssuerKey} is {UserId} (from GET /users/me)")]
    public static partial void UserDiscovered(this ILogger logger, string vendor, string issuerKey, string userId);

    [LoggerMessage(LogLevel.Information, "{Vendor} API token {TokenId} ({TokenName}) created for {IssuerKey}")]
    public static partial void TokenCreated(this ILogger logger, string vendor, string tokenId, string tokenName, string issuerKey);

    [LoggerMessage(LogLevel.Information, "{Vendor} API token {TokenId} revoked for {IssuerKey}")]
    public static partial void TokenRevoked(this ILogger logger, string vendor, string tokenId, string issuerKey);

    [LoggerMessage(LogLevel.Debug, "{Vendor} API token {TokenId} of {IssuerKey} was already gone")]
    public static partial void TokenAlreadyGone(this ILogger logger, string vendor, string tokenId, string issuerKey);
}
