using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Sandbox.Vendors.Upsun;

/// <summary>
/// HS256 JSON Web Tokens as the simulator's access tokens: real <c>header.payload.signature</c> structure so that
/// clients which peek at <c>exp</c> work, signed with a key that lives only as long as the simulator.
/// </summary>
internal sealed class UpsunJwt(string issuer)
{
    private static readonly byte[] Header = Encoding.UTF8.GetBytes("""{"alg":"HS256","typ":"JWT"}""");

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>The claims a valid token carries.</summary>
    internal sealed record Claims(string Subject, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, string Id);

    public string Issue(string subject, DateTimeOffset issuedAt, TimeSpan lifetime)
    {
        var payload = new JsonObject
        {
            ["iss"] = issuer,
            ["sub"] = subject,
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
            ["exp"] = (issuedAt + lifetime).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString(),
            ["scp"] = new JsonArray("account"),
        };
        var signingInput = Base64Url.EncodeToString(Header) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        return signingInput + "." + Base64Url.EncodeToString(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(signingInput)));
    }

    /// <summary>The claims of a token this simulator signed that has not expired at <paramref name="now"/>; null otherwise.</summary>
    public Claims? Validate(string token, DateTimeOffset now)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) return null;
        byte[] signature;
        byte[] payloadBytes;
        try
        {
            signature = Base64Url.DecodeFromChars(parts[2]);
            payloadBytes = Base64Url.DecodeFromChars(parts[1]);
        }
        catch (FormatException)
        {
            return null;
        }

        var expected = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        if (!CryptographicOperations.FixedTimeEquals(expected, signature)) return null;

        try
        {
            using var payload = JsonDocument.Parse(payloadBytes);
            var root = payload.RootElement;
            var expiresAt = DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("exp").GetInt64());
            if (now >= expiresAt) return null;
            return new Claims(
                root.GetProperty("sub").GetString()!,
                DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("iat").GetInt64()),
                expiresAt,
                root.GetProperty("jti").GetString()!);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
