using ServiceTokenOperator.Sandbox.Kubernetes;

namespace ServiceTokenOperator.Benchmarks;

/// <summary>
/// The operator's Kubernetes API traffic between two snapshots. Writes come from the global resourceVersion (each
/// write that changes the store bumps it by one), reads from the server's request count; the harness's own
/// requests and writes are subtracted. The one place to switch to <c>KubeApiServer.Stats</c> once it exists.
/// </summary>
/// <remarks>
/// Known limits of this derivation: a write that changes nothing (a no-op update) bumps no resourceVersion, so it
/// counts as a read; writes by the sandbox itself (garbage collection) count as the operator's.
/// </remarks>
internal sealed class ApiTraffic(KubeApiServer server, KubeClient harness)
{
    public async Task<Snapshot> TakeAsync(CancellationToken ct)
    {
        var rv = await harness.ResourceVersionAsync(ct);
        return new Snapshot(rv, server.RequestCount, harness.Requests, harness.Writes);
    }

    public static Delta Between(Snapshot before, Snapshot after)
    {
        var writes = after.ResourceVersion - before.ResourceVersion - (after.HarnessWrites - before.HarnessWrites);
        var requests = after.ServerRequests - before.ServerRequests - (after.HarnessRequests - before.HarnessRequests);
        return new Delta(writes, requests - writes, requests);
    }

    public sealed record Snapshot(long ResourceVersion, long ServerRequests, long HarnessRequests, long HarnessWrites);

    /// <summary>The operator's writes, reads (every other request, watches and lists included) and all its requests.</summary>
    public sealed record Delta(long Writes, long Reads, long Requests);
}
