using System.Collections;

namespace ServiceTokenOperator.Providers;

/// <summary>
/// Secret key/value pairs. A dedicated type so that no record printer, logger or exception message can show
/// the values: <see cref="ToString"/> lists key names only.
/// </summary>
internal sealed class SecretValues(IReadOnlyDictionary<string, string> values) : IReadOnlyDictionary<string, string>
{
    /// <summary>The key holding the token value itself, as templates refer to it with {{ .token }}.</summary>
    public required string TokenKey { get; init; }

    public string this[string key] => values[key];
    public IEnumerable<string> Keys => values.Keys;
    public IEnumerable<string> Values => values.Values;
    public int Count => values.Count;
    public bool ContainsKey(string key) => values.ContainsKey(key);
    public bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => values.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"SecretValues [{string.Join(", ", values.Keys)}]";
}
