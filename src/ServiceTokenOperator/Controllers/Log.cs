namespace ServiceTokenOperator.Controllers;

/// <summary>Log messages of the reconcilers. Token ids and key names may be logged; token values never.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "{Key}: {Action} ({Reason})")]
    public static partial void Decided(ILogger logger, string key, string action, string reason);

    [LoggerMessage(2, LogLevel.Information, "{Key}: created vendor token {TokenId} (revision {Revision}, {Reason})")]
    public static partial void Created(ILogger logger, string key, string tokenId, long revision, string reason);

    [LoggerMessage(3, LogLevel.Information, "{Key}: adopted token {TokenId} (revision {Revision}) found in its Secret")]
    public static partial void Adopted(ILogger logger, string key, string tokenId, long revision);

    [LoggerMessage(4, LogLevel.Information, "{Key}: revoked vendor token {TokenId}")]
    public static partial void Revoked(ILogger logger, string key, string tokenId);

    [LoggerMessage(5, LogLevel.Information, "{Key}: {Message}")]
    public static partial void Restored(ILogger logger, string key, string message);

    [LoggerMessage(6, LogLevel.Warning, "{Key}: vendor call failed ({Kind}): {Message}")]
    public static partial void VendorFailed(ILogger logger, string key, string kind, string message);

    [LoggerMessage(7, LogLevel.Warning, "could not revoke token {TokenId} after a failed issuance, the orphan sweep will: {Message}")]
    public static partial void RevokeAfterFailureFailed(ILogger logger, string tokenId, string message);

    [LoggerMessage(8, LogLevel.Information, "{Key}: Ready={Ready} ({Reason}) {Message}")]
    public static partial void IssuerChecked(ILogger logger, string key, bool ready, string reason, string message);

    [LoggerMessage(40, LogLevel.Information, "{Key}: in-use finalizer {Change}")]
    public static partial void UsageFinalizer(ILogger logger, string key, string change);

    [LoggerMessage(9, LogLevel.Warning, "{Key}: token {TokenId} stays pending: its issuer {Issuer} is not found")]
    public static partial void RevokerMissing(ILogger logger, string key, string tokenId, string issuer);

    [LoggerMessage(10, LogLevel.Warning, "token name {Name} was taken by {TokenId}, left behind by an earlier attempt; revoked it")]
    public static partial void RevokedLeftover(ILogger logger, string name, string tokenId);
}
