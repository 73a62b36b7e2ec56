namespace ServiceTokenOperator.Observability;

/// <summary>
/// client-go's EventCorrelator, reduced to what this operator needs: a repeat of an identical event raises the count
/// of the Event already written instead of writing a new one; once an object has sent 10 events of one type and
/// reason with different messages within 10 minutes, further ones are combined into a single Event
/// ("(combined from similar events): ..."); and a per-object token bucket (burst 25, one more per 5 minutes) drops
/// the rest, so a token failing in a loop does not flood the API server. Bounded memory: the least recently seen
/// keys are forgotten first.
/// </summary>
internal sealed class EventCorrelator(TimeProvider time, int burst = 25, TimeSpan? refill = null, int capacity = 4096)
{
    public const string CombinedPrefix = "(combined from similar events): ";
    private const int MaxSimilar = 10;
    private static readonly TimeSpan SimilarWindow = TimeSpan.FromMinutes(10);

    private readonly TimeSpan _refill = refill ?? TimeSpan.FromMinutes(5);
    private readonly Lock _gate = new();
    private readonly Dictionary<EventKey, LinkedListNode<Seen>> _seen = [];
    private readonly LinkedList<Seen> _byAge = new();
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Uid, string Type, string Reason), Similar> _similar = [];

    public EventDecision Correlate(EventKey key)
    {
        lock (_gate)
        {
            if (!TakeToken(key.InvolvedUid)) return new EventDecision(EventAction.Drop, key, key.Message, null, null, 0);
            var (effective, message) = Aggregate(key);
            if (_seen.TryGetValue(effective, out var node) && node.Value.Name is not null)
            {
                node.Value.Count++;
                _byAge.Remove(node);
                _byAge.AddFirst(node);
                return new EventDecision(EventAction.Patch, effective, message, node.Value.Namespace, node.Value.Name, node.Value.Count);
            }

            return new EventDecision(EventAction.Create, effective, message, null, null, 1);
        }
    }

    /// <summary>Remembers the Event written for <paramref name="key"/>, so that repeats patch it.</summary>
    public void Written(EventKey key, string @namespace, string name)
    {
        lock (_gate)
        {
            if (_seen.Remove(key, out var old)) _byAge.Remove(old);
            _seen[key] = _byAge.AddFirst(new Seen(key) { Namespace = @namespace, Name = name, Count = 1 });
            while (_seen.Count > capacity && _byAge.Last is { } oldest)
            {
                _byAge.RemoveLast();
                _seen.Remove(oldest.Value.Key);
            }
        }
    }

    /// <summary>The Event is gone from the API server (events expire): the next repeat creates a new one.</summary>
    public void Forget(EventKey key)
    {
        lock (_gate)
        {
            if (_seen.Remove(key, out var node)) _byAge.Remove(node);
        }
    }

    // client-go's EventAggregator: many different messages of one reason become one combined Event.
    private (EventKey Key, string Message) Aggregate(EventKey key)
    {
        var now = time.GetUtcNow();
        var similarKey = (key.InvolvedUid, key.Type, key.Reason);
        if (!_similar.TryGetValue(similarKey, out var similar) || now - similar.Last > SimilarWindow)
        {
            if (_similar.Count >= capacity) _similar.Clear();
            similar = new Similar();
            _similar[similarKey] = similar;
        }

        similar.Last = now;
        similar.Messages.Add(key.Message);
        if (similar.Messages.Count < MaxSimilar) return (key, key.Message);
        // Keep the set bounded, as client-go pops one: from now on every such event joins the combined one.
        similar.Messages.Remove(similar.Messages.First());
        return (key with { Message = CombinedPrefix }, CombinedPrefix + key.Message);
    }

    private bool TakeToken(string uid)
    {
        var now = time.GetUtcNow();
        if (!_buckets.TryGetValue(uid, out var bucket))
        {
            if (_buckets.Count >= capacity) _buckets.Clear();
            bucket = new Bucket { Tokens = burst, Updated = now };
            _buckets[uid] = bucket;
        }

        var refills = (int)Math.Min(burst, (now - bucket.Updated) / _refill);
        if (refills > 0)
        {
            bucket.Tokens = Math.Min(burst, bucket.Tokens + refills);
            bucket.Updated += _refill * refills;
        }

        if (bucket.Tokens >= burst) bucket.Updated = now;
        if (bucket.Tokens == 0) return false;
        bucket.Tokens--;
        return true;
    }

    private sealed class Seen(EventKey key)
    {
        public EventKey Key { get; } = key;

        public string? Namespace { get; set; }

        public string? Name { get; set; }

        public int Count { get; set; }
    }

    private sealed class Similar
    {
        public HashSet<string> Messages { get; } = new(StringComparer.Ordinal);

        public DateTimeOffset Last { get; set; }
    }

    private sealed class Bucket
    {
        public int Tokens { get; set; }

        public DateTimeOffset Updated { get; set; }
    }
}
