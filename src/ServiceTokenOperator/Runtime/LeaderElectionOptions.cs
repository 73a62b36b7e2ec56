namespace ServiceTokenOperator.Runtime;

/// <summary>Leader election settings: one Lease, client-go's default timings.</summary>
internal sealed record LeaderElectionOptions
{
    /// <summary>False (<c>--leader-elect=false</c>) runs the leader work at once, for a single replica or local runs.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Namespace of the Lease, normally the operator's own.</summary>
    public string Namespace { get; init; } = "default";

    public string LeaseName { get; init; } = "servicetoken-operator";

    /// <summary>Unique per replica, normally the pod name.</summary>
    public string Identity { get; init; } = Environment.MachineName;

    /// <summary>How long a lease is honoured without renewal. Default 15 s.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps retrying a renewal before it gives up leadership. Default 10 s.</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Wait between attempts to acquire or renew. Default 2 s.</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
}
