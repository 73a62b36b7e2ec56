namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>
/// Faults injected into the sandbox Kubernetes API by tests: failed requests, latency, dropped watches and a
/// compacted watch cache. Thread-safe.
/// </summary>
public sealed class KubeFaults
{
    private readonly Lock _gate = new();
    private readonly List<PendingFailure> _failures = [];
    private CancellationTokenSource _watches = new();
    private Action? _compact;

    /// <summary>Added to every API request before it is served.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>
    /// Fails the next <paramref name="count"/> requests that match with a Status of <paramref name="code"/>
    /// (429 carries Retry-After: 1).
    /// </summary>
    /// <param name="verb">get, list, watch, create, update, patch, delete, deletecollection; null for any.</param>
    /// <param name="resource">
    /// Plural resource name such as <c>secrets</c> (any subresource too), or with a subresource such as
    /// <c>servicetokens/status</c> (only that one); null for any.
    /// </param>
    public void FailNext(int count, string? verb, string? resource, int code)
    {
        lock (_gate)
        {
            _failures.Add(new PendingFailure(count, verb, resource, code));
        }
    }

    /// <summary>Ends every open watch stream; clients see the stream close and must re-watch.</summary>
    public void CloseWatches()
    {
        CancellationTokenSource old;
        lock (_gate)
        {
            old = _watches;
            _watches = new CancellationTokenSource();
        }

        old.Cancel();
        old.Dispose();
    }

    /// <summary>Drops the watch cache: a watch from any resourceVersion before now answers 410 Gone.</summary>
    public void Compact() => _compact?.Invoke();

    internal CancellationToken WatchToken
    {
        get { lock (_gate) return _watches.Token; }
    }

    internal void OnCompact(Action compact) => _compact = compact;

    /// <summary>The status code to fail this request with, or null to serve it.</summary>
    internal int? TakeFailure(string verb, string resource, string? subresource)
    {
        lock (_gate)
        {
            for (var i = 0; i < _failures.Count; i++)
            {
                var failure = _failures[i];
                var resourceMatches = failure.Resource is null || failure.Resource == resource
                    || (subresource is not null && failure.Resource == $"{resource}/{subresource}");
                if ((failure.Verb is null || failure.Verb == verb) && resourceMatches)
                {
                    if (failure.Count <= 1)
                    {
                        _failures.RemoveAt(i);
                    }
                    else
                    {
                        _failures[i] = failure with { Count = failure.Count - 1 };
                    }

                    return failure.Code;
                }
            }

            return null;
        }
    }

    private sealed record PendingFailure(int Count, string? Verb, string? Resource, int Code);
}
