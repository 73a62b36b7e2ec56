namespace ServiceTokenOperator.Hosting;

internal static partial class Log
{
    [LoggerMessage(300, LogLevel.Warning, "{What} failed (attempt {Attempt}), retrying in {DelaySeconds}s: {Message}")]
    public static partial void StartupRetry(ILogger logger, string what, int attempt, double delaySeconds, string message);

    [LoggerMessage(301, LogLevel.Debug, "{Why} after {AllocatedMb} MB allocated since the last trim: full compacting GC in {Milliseconds} ms")]
    public static partial void MemoryTrimmed(ILogger logger, string why, long allocatedMb, double milliseconds);
}
