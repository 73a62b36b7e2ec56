using System.Globalization;
using ServiceTokenOperator.Controllers;

namespace ServiceTokenOperator.Hosting;

/// <summary>
/// <c>--shard N/M</c>: this deployment reconciles the ServiceTokens whose stable hash of <c>namespace/name</c> is N
/// modulo M. The hash is process-independent, so every deployment agrees on who owns a token.
/// </summary>
internal sealed record ShardSpec(int Index, int Count)
{
    public bool Owns(string? @namespace, string name) => Of(@namespace, name, Count) == Index;

    /// <summary>The shard of a ServiceToken among <paramref name="count"/>.</summary>
    public static int Of(string? @namespace, string name, int count) =>
        (int)((uint)$"{@namespace}/{name}".GetStableHash() % (uint)count);

    public static bool TryParse(string text, out ShardSpec? shard)
    {
        shard = null;
        var parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count < 1 || index >= count)
            return false;
        shard = new ShardSpec(index, count);
        return true;
    }

    public override string ToString() => $"{Index}/{Count}";
}
