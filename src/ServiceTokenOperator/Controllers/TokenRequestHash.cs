using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ServiceTokenOperator.Api.V1Alpha1;

namespace ServiceTokenOperator.Controllers;

/// <summary>
/// A fingerprint of what a vendor token is bound to (issuer, ttl, accesses, scopes): when it changes, the token
/// cannot follow and a new revision is issued.
/// </summary>
internal static class TokenRequestHash
{
    public static string Of(ServiceTokenSpec spec)
    {
        var canonical = JsonSerializer.Serialize(new object?[]
        {
            spec.IssuerRef.Kind ?? TokenIssuer.KindName,
            spec.IssuerRef.Name,
            spec.PlanetScale?.Ttl,
            spec.PlanetScale?.Accesses?.Select(a => new object[] { a.Database, a.Permissions.Order(StringComparer.Ordinal).ToArray() }),
            spec.Akka?.Scopes?.Select(s => s.ToLowerInvariant()).Order(StringComparer.Ordinal),
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..16];
    }
}
