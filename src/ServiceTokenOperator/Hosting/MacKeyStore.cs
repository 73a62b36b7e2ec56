using System.Net;
using System.Security.Cryptography;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ServiceTokenOperator.Hosting;

/// <summary>
/// The HMAC key for Secret drift checks, kept in a Secret in the operator's namespace so every replica and every
/// restart computes the same MACs. Created on first start; a race between replicas is settled by AlreadyExists.
/// </summary>
internal static class MacKeyStore
{
    public const string SecretName = "servicetoken-operator-mac-key";
    private const string Key = "key";

    public static async Task<byte[]> LoadOrCreateAsync(IKubernetes client, string @namespace, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.CoreV1.ReadNamespacedSecretAsync(SecretName, @namespace, cancellationToken: cancellationToken)).Data[Key];
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            var secret = new V1Secret
            {
                Metadata = new V1ObjectMeta { Name = SecretName, NamespaceProperty = @namespace },
                Type = "Opaque",
                Data = new Dictionary<string, byte[]> { [Key] = RandomNumberGenerator.GetBytes(32) },
            };
            try
            {
                return (await client.CoreV1.CreateNamespacedSecretAsync(secret, @namespace, cancellationToken: cancellationToken)).Data[Key];
            }
            catch (HttpOperationException conflict) when (conflict.Response.StatusCode == HttpStatusCode.Conflict)
            {
                return (await client.CoreV1.ReadNamespacedSecretAsync(SecretName, @namespace, cancellationToken: cancellationToken)).Data[Key];
            }
        }
    }
}
