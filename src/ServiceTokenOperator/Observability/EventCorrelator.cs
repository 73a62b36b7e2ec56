namespace ServiceTokenOperator.Observability;

/// <summary>
/// client-go's EventCorrelator, reduced to what this operator needs: a repeat of an identical event raises the count
/// of the Event already written instead of writing a new one, and a per-object token bucket (burst 25, one more per
/// 5 minutes) drops the rest, so a token failing in a loop does not flood the API server. Bounded memory: the least
/// recently seen keys are forgotten first.
/// </summary>
internal sealed class EventCorrelator(TimeProvider time, int burst = 25, TimeSpan? refill = null, int capacity = 4096)
{
    private readonly TimeSpan _refill = refill ?? TimeSpan.FromMinutes(5);
    private readonly Lock _gate = new();
    private readonly Dictionary<EventKey, LinkedListNode<Seen>> _seen = [];
    private readonly LinkedList<Seen> _byAge = new();
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    public EventDecision Correlate(EventKey key)
    {
        lock (_gate)
        {
            if (!TakeToken(key.InvolvedUid)) return new EventDecision(EventAction.Drop, null, null, 0);
            if (_seen.TryGetValue(key, out var node) && node.Value.Name is not null)
            {
                node.Value.Count++;
                _byAge.Remove(node);
                _byAge.AddFirst(node);
                return new EventDecision(EventAction.Patch, node.Value.Namespace, node.Value.Name, node.Value.Count);
            }

            return new EventDecision(EventAction.Create, null, null, 1);
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

    private sealed class Bucket
    {
        public int Tokens { get; set; }

        public DateTimeOffset Updated { get; set; }
    }
}
