namespace ServiceTokenOperator.Observability;

internal enum EventAction
{
    /// <summary>First occurrence (or the earlier Event is forgotten): create a new Event.</summary>
    Create,

    /// <summary>A repeat: raise the existing Event's count and lastTimestamp.</summary>
    Patch,

    /// <summary>The object has sent too many events lately.</summary>
    Drop,
}
