using System.Globalization;
using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Runtime;

namespace ServiceTokenOperator.Rotation;

/// <summary>
/// Rolls the workloads of <c>spec.rotation.restartTargets</c> after the Secret switched to a new token, the way
/// <c>kubectl rollout restart</c> and Vault Secrets Operator do: a changed annotation on the pod template.
/// A target that is missing or forbidden is reported and skipped; it never fails the rotation, whose Secret is
/// already switched.
/// </summary>
internal sealed class RolloutRestarter(IKubernetes client, TimeProvider time, ILogger<RolloutRestarter> logger)
{
    /// <summary>The pod-template annotation whose change starts a rollout.</summary>
    public const string RestartedAt = "servicetoken.dev/restartedAt";

    /// <summary>Restarts every target; answers the problems found (empty when all were restarted).</summary>
    public async Task<IReadOnlyList<string>> RestartAsync(ServiceToken token, CancellationToken cancellationToken)
    {
        var targets = token.Spec.Rotation?.RestartTargets ?? [];
        var problems = new List<string>();
        if (targets.Count == 0) return problems;
        var @namespace = token.Metadata.NamespaceProperty;
        var key = ObjectKey.Of(token).ToString();
        var patch = new V1Patch(JsonSerializer.Serialize(new
        {
            spec = new { template = new { metadata = new { annotations = new Dictionary<string, string>
            {
                [RestartedAt] = time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            } } } },
        }), V1Patch.PatchType.MergePatch);
        foreach (var target in targets)
        {
            try
            {
                _ = target.Kind switch
                {
                    "Deployment" => (object)await client.AppsV1.PatchNamespacedDeploymentAsync(patch, target.Name, @namespace, cancellationToken: cancellationToken),
                    "StatefulSet" => await client.AppsV1.PatchNamespacedStatefulSetAsync(patch, target.Name, @namespace, cancellationToken: cancellationToken),
                    "DaemonSet" => await client.AppsV1.PatchNamespacedDaemonSetAsync(patch, target.Name, @namespace, cancellationToken: cancellationToken),
                    _ => throw new InvalidOperationException($"restart target kind {target.Kind} is not supported"),
                };
                Log.Restarted(logger, key, target.Kind, target.Name);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
            {
                var problem = $"{target.Kind} \"{target.Name}\": {(e.Response.StatusCode == HttpStatusCode.NotFound ? "not found" : "forbidden")}";
                problems.Add(problem);
                Log.RestartFailed(logger, key, problem);
            }
        }

        return problems;
    }
}
