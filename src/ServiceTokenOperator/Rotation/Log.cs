namespace ServiceTokenOperator.Rotation;

internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Key}: restarted {Kind} {Name} after the Secret switched")]
    public static partial void Restarted(ILogger logger, string key, string kind, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Key}: could not restart {Problem}")]
    public static partial void RestartFailed(ILogger logger, string key, string problem);
}
