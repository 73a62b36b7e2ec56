using System.Security.Cryptography;
using System.Text;

namespace ServiceTokenOperator.Controllers;

/// <summary>
/// Vendor-side token names: <c>st-&lt;cluster&gt;-&lt;namespace&gt;-&lt;name&gt;-r&lt;revision&gt;</c>, readable in a vendor console
/// and identifying cluster, owner and revision. Names that do not fit the vendor's limit keep the prefix, the
/// cluster and the revision whole and shorten namespace and name, adding a hash of the full owner so two owners
/// never share a name.
/// </summary>
internal static class TokenNaming
{
    public const string Prefix = "st";

    /// <summary>The prefix of every token this cluster creates, for the orphan sweep.</summary>
    public static string ClusterPrefix(string clusterId) => $"{Prefix}-{clusterId}-";

    public static string For(string clusterId, string @namespace, string name, long revision, int maxLength)
    {
        var full = $"{ClusterPrefix(clusterId)}{@namespace}-{name}-r{revision}";
        if (full.Length <= maxLength) return full;

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{@namespace}/{name}")))[..8];
        var fixedPart = $"{ClusterPrefix(clusterId)}--{hash}-r{revision}".Length + 1;
        var room = Math.Max(2, maxLength - fixedPart);
        var nsRoom = Math.Min(@namespace.Length, Math.Max(1, room / 2));
        var nameRoom = Math.Max(1, room - nsRoom);
        return $"{ClusterPrefix(clusterId)}{@namespace[..nsRoom]}-{name[..Math.Min(name.Length, nameRoom)]}-{hash}-r{revision}";
    }

    /// <summary>Reads the revision back from a name made by <see cref="For"/>; null for names of others.</summary>
    public static long? RevisionOf(string? tokenName)
    {
        if (tokenName is null) return null;
        var at = tokenName.LastIndexOf("-r", StringComparison.Ordinal);
        return at > 0 && long.TryParse(tokenName.AsSpan(at + 2), out var revision) ? revision : null;
    }
}
