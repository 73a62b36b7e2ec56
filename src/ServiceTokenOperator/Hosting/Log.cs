namespace ServiceTokenOperator.Hosting;

internal static partial class Log
{
    [LoggerMessage(300, LogLevel.Warning, "{What} failed (attempt {Attempt}), retrying in {DelaySeconds}s: {Message}")]
    public static partial void StartupRetry(ILogger logger, string what, int attempt, double delaySeconds, string message);
}
