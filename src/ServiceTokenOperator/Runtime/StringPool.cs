using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace ServiceTokenOperator.Runtime;

/// <summary>
/// Hands out one shared instance per distinct string, so that objects held for long (informer caches) do not each
/// keep their own copy of values that repeat across them. Unlike <see cref="string.Intern(string)"/> it is bounded
/// and dies with its owner: once it holds <see cref="Capacity"/> strings it adds no more and returns new ones as they
/// are — they then cost what they cost without a pool, nothing breaks. Callers give it only values drawn from a small
/// set (keys, kinds, enum-like values, namespace and issuer names); the cap guards against a caller that misjudged one.
/// Thread-safe: informers of different resources transform their objects concurrently.
/// </summary>
internal sealed class StringPool(int capacity)
{
    /// <summary>
    /// Enough for the keys, kinds and enum values the operator's objects use (a few dozen) plus thousands of namespace
    /// and issuer names; at ≈ 150 B a string with its entry, a full pool costs ≈ 600 KB — less than 100 tokens' objects.
    /// </summary>
    public const int DefaultCapacity = 4096;

    private readonly ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>Most strings the pool holds.</summary>
    public int Capacity => capacity;

    /// <summary>Strings the pool holds.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The pooled instance equal to <paramref name="value"/>; <paramref name="value"/> itself once the pool is full.</summary>
    [return: NotNullIfNotNull(nameof(value))]
    public string? Share(string? value)
    {
        if (value is null) return null;
        if (value.Length == 0) return string.Empty;
        if (_strings.TryGetValue(value, out var pooled)) return pooled;

        // Reserve a slot first, so that concurrent callers cannot together pass the cap.
        if (Interlocked.Increment(ref _count) > capacity)
        {
            Interlocked.Decrement(ref _count);
            return value;
        }

        if (_strings.TryAdd(value, value)) return value;

        // Another caller added the same string between the lookup and here: the slot is not used.
        Interlocked.Decrement(ref _count);
        return _strings.TryGetValue(value, out pooled) ? pooled : value;
    }
}
