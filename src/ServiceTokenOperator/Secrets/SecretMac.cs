using System.Security.Cryptography;
using System.Text;

namespace ServiceTokenOperator.Secrets;

/// <summary>
/// A keyed HMAC of Secret data, stored in status to notice drift without storing the data: without the key,
/// the MAC reveals nothing about the token.
/// </summary>
internal sealed class SecretMac(byte[] key)
{
    public string Compute(IReadOnlyDictionary<string, byte[]> data)
    {
        using var hmac = new HMACSHA256(key);
        foreach (var (name, value) in data.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            hmac.TransformBlock(BitConverter.GetBytes(nameBytes.Length), 0, 4, null, 0);
            hmac.TransformBlock(nameBytes, 0, nameBytes.Length, null, 0);
            hmac.TransformBlock(BitConverter.GetBytes(value.Length), 0, 4, null, 0);
            hmac.TransformBlock(value, 0, value.Length, null, 0);
        }

        hmac.TransformFinalBlock([], 0, 0);
        return "hmac-sha256:" + Convert.ToBase64String(hmac.Hash!);
    }

    public string Compute(IReadOnlyDictionary<string, string> data) =>
        Compute(data.ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value)));
}
