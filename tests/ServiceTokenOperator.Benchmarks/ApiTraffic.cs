using ServiceTokenOperator.Sandbox.Kubernetes;

namespace ServiceTokenOperator.Benchmarks;

/// <summary>
/// The operator's Kubernetes API traffic between two snapshots, from the sandbox API's own request counts
/// (<see cref="KubeApiServer.Stats"/>, keyed "verb resource") minus the harness's requests, counted the same way.
/// Every request counts, answered or refused (a 409 on a create is still a write the API server had to serve).
/// </summary>
internal sealed class ApiTraffic(KubeApiServer server, KubeClient harness)
{
    public Snapshot Take() => new(server.Stats.ByVerbAndResource(), harness.ByVerbAndResource());

    public static Delta Between(Snapshot before, Snapshot after)
    {
        var byKey = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, count) in after.Server)
        {
            var operatorCount = count - before.Server.GetValueOrDefault(key) - (after.Harness.GetValueOrDefault(key) - before.Harness.GetValueOrDefault(key));
            if (operatorCount != 0) byKey[key] = operatorCount;
        }

        long Sum(Func<string, bool> verb) => byKey.Where(p => verb(p.Key[..p.Key.IndexOf(' ', StringComparison.Ordinal)])).Sum(p => p.Value);
        return new Delta(
            Writes: Sum(v => v is "create" or "update" or "patch" or "delete" or "deletecollection"),
            Gets: Sum(v => v == "get"),
            Lists: Sum(v => v == "list"),
            Watches: Sum(v => v == "watch"),
            ByVerbAndResource: byKey);
    }

    public sealed record Snapshot(IReadOnlyDictionary<string, long> Server, IReadOnlyDictionary<string, long> Harness);

    /// <summary>
    /// The operator's requests: writes (Events included: see <see cref="EventWrites"/>), single-object GETs and LISTs
    /// (neither served from the informer caches), watches opened, and every "verb resource" count.
    /// </summary>
    public sealed record Delta(long Writes, long Gets, long Lists, long Watches, IReadOnlyDictionary<string, long> ByVerbAndResource)
    {
        /// <summary>Reads the API server served, i.e. not from the operator's caches.</summary>
        public long UncachedReads => Gets + Lists;

        /// <summary>Writes of Events (core or events.k8s.io): diagnostics, not object state.</summary>
        public long EventWrites => ByVerbAndResource.Where(p => p.Key.EndsWith(" events", StringComparison.Ordinal)).Sum(p => p.Value);

        /// <summary>Writes of object state: the ones the physical floor (finalizer, Secret, status) counts.</summary>
        public long ObjectWrites => Writes - EventWrites;
    }
}
