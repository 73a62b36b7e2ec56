using k8s.LeaderElection;

namespace ServiceTokenOperator.Tests.Runtime;

/// <summary>A Lease held in memory, shared by candidates; <see cref="Steal"/> simulates another replica taking it.</summary>
internal sealed class InMemoryLease
{
    private readonly Lock _gate = new();
    private LeaderElectionRecord? _record;

    public LeaderElectionRecord? Record
    {
        get
        {
            lock (_gate)
            {
                return Copy(_record);
            }
        }
    }

    /// <summary>While set, a candidate cannot overwrite a lease another identity holds (the thief keeps renewing).</summary>
    public volatile bool RejectUpdatesFromOthers;

    public ILock For(string identity) => new Candidate(this, identity);

    /// <summary>Another replica takes the lease, for <paramref name="leaseDurationSeconds"/>.</summary>
    public void Steal(string identity, int leaseDurationSeconds = 1)
    {
        lock (_gate)
        {
            // LeaderElector judges lease expiry against DateTime.UtcNow itself, so a lease record must be stamped with it.
            var now = DateTime.UtcNow;
            _record = new LeaderElectionRecord
            {
                HolderIdentity = identity,
                LeaseDurationSeconds = leaseDurationSeconds,
                AcquireTime = now,
                RenewTime = now,
                LeaderTransitions = (_record?.LeaderTransitions ?? 0) + 1,
            };
        }
    }

    private static LeaderElectionRecord? Copy(LeaderElectionRecord? r) => r is null ? null : new LeaderElectionRecord
    {
        HolderIdentity = r.HolderIdentity,
        LeaseDurationSeconds = r.LeaseDurationSeconds,
        AcquireTime = r.AcquireTime,
        RenewTime = r.RenewTime,
        LeaderTransitions = r.LeaderTransitions,
    };

    private sealed class Candidate(InMemoryLease lease, string identity) : ILock
    {
        public string Identity => identity;

        // Like the real lock, calls honour cancellation: a renewal cancelled with its campaign writes nothing.
        public Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(lease.Record!);
        }

        public Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (lease._gate)
            {
                if (lease._record is not null)
                {
                    return Task.FromResult(false);
                }

                lease._record = Copy(record);
                return Task.FromResult(true);
            }
        }

        public Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (lease._gate)
            {
                // Like an optimistic PUT: a candidate cannot overwrite a lease someone else renewed meanwhile.
                if (lease._record?.HolderIdentity is { Length: > 0 } holder && holder != identity && lease.RejectUpdatesFromOthers)
                {
                    return Task.FromResult(false);
                }

                lease._record = Copy(record);
                return Task.FromResult(true);
            }
        }

        public string Describe() => "test/lease";
    }
}
