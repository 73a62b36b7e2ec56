using k8s;

namespace ServiceTokenOperator.Runtime;

/// <summary>Log messages of the controller runtime.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Debug, Message = "Listed {Resource}: {Count} objects at resourceVersion {ResourceVersion}")]
    public static partial void Listed(ILogger logger, string resource, int count, string resourceVersion);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "{Resource} cache synced with {Count} objects")]
    public static partial void Synced(ILogger logger, string resource, int count);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Watching {Resource} from resourceVersion {ResourceVersion}")]
    public static partial void Watching(ILogger logger, string resource, string resourceVersion);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Watch of {Resource} expired at resourceVersion {ResourceVersion}; relisting")]
    public static partial void WatchExpired(ILogger logger, string resource, string resourceVersion);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Watch of {Resource} returned an error: {Code} {Reason} {StatusMessage}")]
    public static partial void WatchError(ILogger logger, string resource, int? code, string? reason, string? statusMessage);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "The {Operation} of {Resource} failed")]
    public static partial void LoopFailed(ILogger logger, string resource, string operation, Exception exception);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "{Resource} informer backing off ({Reason}): attempt {Attempt}, retrying in {Delay}")]
    public static partial void BackingOff(ILogger logger, string resource, string reason, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "{Resource} informer stopped")]
    public static partial void Stopped(ILogger logger, string resource);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Error, Message = "A {Resource} {EventType} handler threw")]
    public static partial void HandlerFailed(ILogger logger, string resource, WatchEventType eventType, Exception exception);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Error, Message = "Reconcile of {Key} threw; retrying with backoff")]
    public static partial void ReconcileThrew(ILogger logger, string key, Exception exception);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Warning, Message = "A Reconciled handler threw")]
    public static partial void ReportFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1040, Level = LogLevel.Information, Message = "Leader election disabled: running as leader")]
    public static partial void LeaderElectionDisabled(ILogger logger);

    [LoggerMessage(EventId = 1041, Level = LogLevel.Information, Message = "{Identity} campaigning for lease {Lease}")]
    public static partial void Campaigning(ILogger logger, string identity, string lease);

    [LoggerMessage(EventId = 1042, Level = LogLevel.Information, Message = "{Identity} became leader (lease {Lease})")]
    public static partial void StartedLeading(ILogger logger, string identity, string lease);

    [LoggerMessage(EventId = 1043, Level = LogLevel.Warning, Message = "{Identity} lost leadership (lease {Lease}); stopping leader work")]
    public static partial void LostLeadership(ILogger logger, string identity, string lease);

    [LoggerMessage(EventId = 1044, Level = LogLevel.Information, Message = "Lease {Lease} is held by {Leader}")]
    public static partial void NewLeader(ILogger logger, string leader, string lease);

    [LoggerMessage(EventId = 1045, Level = LogLevel.Warning, Message = "Leader election on lease {Lease} failed")]
    public static partial void LeaderElectionError(ILogger logger, string lease, Exception? exception);

    [LoggerMessage(EventId = 1046, Level = LogLevel.Error, Message = "The leader work failed")]
    public static partial void LeaderWorkFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1047, Level = LogLevel.Information, Message = "{Identity} released lease {Lease}")]
    public static partial void ReleasedLease(ILogger logger, string identity, string lease);
}
