namespace ServiceTokenOperator.Runtime;

/// <summary>
/// The keys filed under one value of an <see cref="Informer{T}"/> index. Almost every value names one object (a
/// Secret is written by one ServiceToken), so a single key is held inline and a set is made only for a second one:
/// a HashSet per value cost ≈ 190 bytes per cached ServiceToken (issue 9).
/// </summary>
internal struct IndexedKeys
{
    private ObjectKey _single;
    private bool _hasSingle;
    private HashSet<ObjectKey>? _many;

    public readonly bool IsEmpty => !_hasSingle && (_many is null || _many.Count == 0);

    public readonly IEnumerable<ObjectKey> Keys => _many ?? (_hasSingle ? [_single] : []);

    public void Add(ObjectKey key)
    {
        if (_many is not null)
        {
            _many.Add(key);
        }
        else if (!_hasSingle)
        {
            (_single, _hasSingle) = (key, true);
        }
        else if (_single != key)
        {
            _many = [_single, key];
            (_single, _hasSingle) = (default, false);
        }
    }

    /// <summary>True when <paramref name="key"/> was there.</summary>
    public bool Remove(ObjectKey key)
    {
        if (_many is not null) return _many.Remove(key);
        if (!_hasSingle || _single != key) return false;
        (_single, _hasSingle) = (default, false);
        return true;
    }
}
