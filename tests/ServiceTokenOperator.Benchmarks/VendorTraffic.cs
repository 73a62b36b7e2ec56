using ServiceTokenOperator.Sandbox.Vendors;
using ServiceTokenOperator.Sandbox.World;

namespace ServiceTokenOperator.Benchmarks;

/// <summary>
/// Vendor calls, from the simulators' request counters (faulted and rate-limited requests included, /_sandbox
/// excluded), and tokens created and revoked, from their token records.
/// </summary>
internal sealed class VendorTraffic(SandboxWorld world)
{
    public Snapshot Take()
    {
        var records = new List<SandboxTokenRecord>();
        records.AddRange(world.PlanetScale.Tokens());
        records.AddRange(world.Upsun.Tokens());
        records.AddRange(world.Platformsh.Tokens());
        records.AddRange(world.Akka.Tokens());
        var requests = world.PlanetScale.RequestCount + world.Upsun.RequestCount + world.Platformsh.RequestCount + world.Akka.RequestCount;
        return new Snapshot(requests, records.Count, records.Count(r => r.RevokedAt is not null));
    }

    public static Delta Between(Snapshot before, Snapshot after) =>
        new(after.Requests - before.Requests, after.Created - before.Created, after.Revoked - before.Revoked);

    public sealed record Snapshot(long Requests, long Created, long Revoked);

    /// <summary>
    /// Calls, tokens created, tokens revoked. <see cref="Unaccounted"/> is every call that neither created nor revoked
    /// a token: verifications, lists, and rejected calls (429s, injected errors). The simulators do not count 429s
    /// apart, so in a scenario without verification calls this is the best available count of them.
    /// </summary>
    public sealed record Delta(long Calls, long Created, long Revoked)
    {
        public long Unaccounted => Calls - Created - Revoked;
    }
}
