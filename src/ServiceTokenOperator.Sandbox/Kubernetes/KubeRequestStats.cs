using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>
/// Thread-safe counts of the resource requests the sandbox API served, by verb: what a benchmark reads to
/// report the API's load next to the operator's throughput. Requests refused before a verb is known
/// (discovery, OpenAPI, 401) are not counted here; <see cref="KubeApiServer.RequestCount"/> counts everything.
/// </summary>
public sealed class KubeRequestStats
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _byVerbAndResource = new(StringComparer.Ordinal);
    private long _reads;
    private long _writes;
    private long _watches;
    private long _lists;

    /// <summary>Single-object GETs (the <c>get</c> verb).</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>create, update, patch, delete and deletecollection requests, subresources included.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Watch requests (each opened stream counts once).</summary>
    public long Watches => Interlocked.Read(ref _watches);

    /// <summary>List requests (each page counts once).</summary>
    public long Lists => Interlocked.Read(ref _lists);

    /// <summary>
    /// A snapshot of the counts keyed "VERB RESOURCE", e.g. "create secrets", "update servicetokens/status".
    /// </summary>
    public IReadOnlyDictionary<string, long> ByVerbAndResource() =>
        _byVerbAndResource.ToDictionary(p => p.Key, p => Interlocked.Read(ref p.Value.Value), StringComparer.Ordinal);

    internal void Record(string verb, string resource, string? subresource)
    {
        switch (verb)
        {
            case "get":
                Interlocked.Increment(ref _reads);
                break;
            case "list":
                Interlocked.Increment(ref _lists);
                break;
            case "watch":
                Interlocked.Increment(ref _watches);
                break;
            default:
                Interlocked.Increment(ref _writes);
                break;
        }

        var key = subresource is null ? $"{verb} {resource}" : $"{verb} {resource}/{subresource}";
        var box = _byVerbAndResource.GetOrAdd(key, static _ => new StrongBox<long>());
        Interlocked.Increment(ref box.Value);
    }
}
