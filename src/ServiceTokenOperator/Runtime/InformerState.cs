namespace ServiceTokenOperator.Runtime;

/// <summary>What an informer's loop is doing, for health checks and logs.</summary>
internal enum InformerState
{
    NotStarted,
    Listing,
    Watching,
    BackingOff,
    Stopped,
}
