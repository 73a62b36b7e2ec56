using System.Security.Cryptography;
using System.Text;
using k8s;

namespace ServiceTokenOperator.Hosting;

/// <summary>
/// The cluster's id in vendor-side token names: --cluster-id, else derived from the kube-system namespace's uid,
/// which is stable for the life of a cluster and differs between clusters sharing a vendor account.
/// </summary>
internal static class ClusterIdentity
{
    public static async Task<string> ResolveAsync(IKubernetes client, string? configured, CancellationToken cancellationToken)
    {
        if (configured is not null) return configured;
        var kubeSystem = await client.CoreV1.ReadNamespaceAsync("kube-system", cancellationToken: cancellationToken);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(kubeSystem.Metadata.Uid)))[..8];
    }
}
