namespace ServiceTokenOperator.Observability;

/// <summary>Log messages of the operator's events and telemetry.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "Could not write the {Reason} event of {Kind} {Namespace}/{Name}: {Error}")]
    public static partial void EventWriteFailed(ILogger logger, string kind, string @namespace, string name, string reason, string error);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "Dropped a {Reason} event of {Kind} {Namespace}/{Name}: too many events for that object lately")]
    public static partial void EventDropped(ILogger logger, string kind, string @namespace, string name, string reason);
}
