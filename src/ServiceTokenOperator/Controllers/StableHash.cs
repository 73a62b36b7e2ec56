namespace ServiceTokenOperator.Controllers;

/// <summary>A hash that stays the same across processes (string.GetHashCode is randomized per process).</summary>
internal static class StableHash
{
    /// <summary>FNV-1a over the UTF-16 code units.</summary>
    public static int GetStableHash(this string text)
    {
        unchecked
        {
            var hash = (int)2166136261;
            foreach (var c in text) hash = (hash ^ c) * 16777619;
            return hash;
        }
    }
}
