using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ServiceTokenOperator.Api.V1Alpha1;

namespace ServiceTokenOperator.Controllers;

/// <summary>
/// A fingerprint of the vendor request, recorded in status.requestHash as <c>&lt;binding&gt;.&lt;grants&gt;</c>.
/// The binding part is what a vendor token cannot change once created (issuer, PlanetScale ttl, Akka scopes): when
/// it changes, a new revision is issued. The grants part (PlanetScale accesses) may change on the live token where
/// the vendor allows it.
/// </summary>
internal static class TokenRequestHash
{
    private const char Separator = '.';

    /// <summary>The value status.requestHash records for this spec.</summary>
    public static string Of(ServiceTokenSpec spec) => $"{Binding(spec)}{Separator}{Grants(spec)}";

    /// <summary>What the token is bound to for its whole life.</summary>
    public static string Binding(ServiceTokenSpec spec) => Hash(new object?[]
    {
        spec.IssuerRef.Kind ?? TokenIssuer.KindName,
        spec.IssuerRef.Name,
        spec.PlanetScale?.Ttl,
        spec.Akka?.Scopes?.Select(s => s.ToLowerInvariant()).Order(StringComparer.Ordinal),
    });

    /// <summary>
    /// The accesses the token holds, as the set the vendor ends up with: order and repeated entries of a database do
    /// not count, so that reordering the spec changes nothing at the vendor.
    /// </summary>
    public static string Grants(ServiceTokenSpec spec) => Hash(
        (spec.PlanetScale?.Accesses ?? [])
            .SelectMany(a => a.Permissions.Select(p => $"{a.Database}/{p}"))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal));

    /// <summary>
    /// Whether the token recorded by <paramref name="recorded"/> is still bound as the spec asks. A value from before
    /// the split (no separator) is compared whole, as it was then: any change of the request needs a new token.
    /// </summary>
    public static bool BindingMatches(string? recorded, ServiceTokenSpec spec)
    {
        if (recorded is null) return false;
        var separator = recorded.IndexOf(Separator, StringComparison.Ordinal);
        return separator < 0 ? recorded == Legacy(spec) : recorded.AsSpan(0, separator).SequenceEqual(Binding(spec));
    }

    /// <summary>Whether the recorded grants are the ones the spec asks for; a legacy value holds no grants part of its own.</summary>
    public static bool GrantsMatch(string? recorded, ServiceTokenSpec spec)
    {
        if (recorded is null) return false;
        var separator = recorded.IndexOf(Separator, StringComparison.Ordinal);
        return separator < 0 ? recorded == Legacy(spec) : recorded.AsSpan(separator + 1).SequenceEqual(Grants(spec));
    }

    /// <summary>The single fingerprint written before binding and grants were told apart; kept so that those values still compare.</summary>
    internal static string Legacy(ServiceTokenSpec spec) => Hash(new object?[]
    {
        spec.IssuerRef.Kind ?? TokenIssuer.KindName,
        spec.IssuerRef.Name,
        spec.PlanetScale?.Ttl,
        spec.PlanetScale?.Accesses?.Select(a => new object[] { a.Database, a.Permissions.Order(StringComparer.Ordinal).ToArray() }),
        spec.Akka?.Scopes?.Select(s => s.ToLowerInvariant()).Order(StringComparer.Ordinal),
    });

    private static string Hash(object canonical) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(canonical))))[..16];
}
