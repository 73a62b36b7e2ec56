namespace ServiceTokenOperator.Sweep;

/// <summary>What the orphan sweep makes of one vendor token, in the order the checks run.</summary>
internal enum OrphanVerdict
{
    /// <summary>Its name lacks this cluster's prefix: another cluster's, or a person's. Never touched.</summary>
    NotOurs,

    /// <summary>A ServiceToken's status (tokenId, pendingRevocations) or a managed Secret names it.</summary>
    Referenced,

    /// <summary>Younger than the safety window: its Secret or status write may still be in flight.</summary>
    TooYoung,

    /// <summary>Ours, unreferenced and old enough: revoke it.</summary>
    Orphan,
}
