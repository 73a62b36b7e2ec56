using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Runtime;

namespace ServiceTokenOperator.Controllers;

/// <summary>
/// Keeps the in-use finalizer on an issuer and on its credential Secret while any ServiceToken still needs them
/// (<see cref="IssuerUsage"/>), so deleting a namespace (or the issuer) cannot take the credential away before the
/// tokens it minted are revoked. Kubernetes calls only, no vendor call: it runs on every ServiceToken change.
/// </summary>
internal sealed class IssuerUsageReconciler(OperatorCaches caches, IKubernetes client, StatusWriter writer, OperatorSettings settings, ILogger<IssuerUsageReconciler> logger)
{
    public const string Finalizer = "servicetoken.dev/in-use";

    // Credential Secrets finalized per namespace at the last successful pass: an unchanged set needs no Secret calls.
    private readonly ConcurrentDictionary<string, HashSet<string>> _applied = new(StringComparer.Ordinal);

    public async Task<ReconcileResult> ReconcileAsync(IssuerKey key, CancellationToken cancellationToken)
    {
        var written = key.Kind == TokenIssuer.KindName
            ? caches.TokenIssuers.Get(key.Object) is not { } issuer || await ApplyAsync(IssuerReconciler.TokenIssuers, issuer, caches.IssuerInUse(key), cancellationToken)
            : caches.ClusterTokenIssuers.Get(key.Object) is not { } cluster || await ApplyAsync(IssuerReconciler.ClusterTokenIssuers, cluster, caches.IssuerInUse(key), cancellationToken);
        if (!written) return ReconcileResult.Failed();

        // Every issuer whose credentials live in that namespace decides together: two issuers may share one Secret.
        var secretNamespace = key.Kind == TokenIssuer.KindName ? key.Object.Namespace! : settings.ClusterResourceNamespace;
        return await ApplyCredentialsAsync(secretNamespace, DesiredCredentials(secretNamespace), cancellationToken)
            ? ReconcileResult.Done
            : ReconcileResult.Failed();
    }

    /// <summary>The credential Secrets of <paramref name="namespace"/> that an issuer in use names.</summary>
    internal HashSet<string> DesiredCredentials(string @namespace)
    {
        var desired = new HashSet<string>(StringComparer.Ordinal);
        foreach (var issuer in caches.TokenIssuers.List(i => i.Metadata.NamespaceProperty == @namespace))
        {
            if (caches.IssuerInUse(new IssuerKey(TokenIssuer.KindName, ObjectKey.Of(issuer)))) desired.Add(issuer.Spec.CredentialsSecretRef.Name);
        }

        if (@namespace == settings.ClusterResourceNamespace)
        {
            foreach (var issuer in caches.ClusterTokenIssuers.List())
            {
                if (caches.IssuerInUse(new IssuerKey(ClusterTokenIssuer.KindName, ObjectKey.Of(issuer)))) desired.Add(issuer.Spec.CredentialsSecretRef.Name);
            }
        }

        return desired;
    }

    private async Task<bool> ApplyAsync<T>(ResourceType type, T issuer, bool inUse, CancellationToken ct)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var has = issuer.Metadata.Finalizers?.Contains(Finalizer) == true;
        if (has == inUse) return true;
        var result = inUse
            ? await writer.AddFinalizerAsync(type, issuer, Finalizer, ct)
            : await writer.RemoveFinalizerAsync(type, issuer, Finalizer, ct);
        if (result.Outcome == WriteOutcome.Conflict) return false;
        Log.UsageFinalizer(logger, $"{issuer.Kind}/{ObjectKey.Of(issuer)}", inUse ? "added" : "removed");
        return true;
    }

    /// <summary>Puts the finalizer on the desired credential Secrets and takes it off every other Secret of the namespace.</summary>
    private async Task<bool> ApplyCredentialsAsync(string @namespace, HashSet<string> desired, CancellationToken ct)
    {
        if (_applied.TryGetValue(@namespace, out var applied) && applied.SetEquals(desired)) return true;

        // Credential Secrets are not cached (see ProviderCache); one list of the namespace finds both sides.
        var secrets = await client.CoreV1.ListNamespacedSecretAsync(@namespace, cancellationToken: ct);
        var patched = true;
        foreach (var secret in secrets.Items)
        {
            var has = secret.Metadata.Finalizers?.Contains(Finalizer) == true;
            var wanted = desired.Contains(secret.Metadata.Name);
            if (has == wanted) continue;
            var finalizers = wanted ? [.. secret.Metadata.Finalizers ?? [], Finalizer] : (secret.Metadata.Finalizers ?? []).Where(f => f != Finalizer).ToList();
            patched &= await PatchSecretFinalizersAsync(secret, finalizers, ct);
            Log.UsageFinalizer(logger, $"Secret/{@namespace}/{secret.Metadata.Name}", wanted ? "added" : "removed");
        }

        // A desired Secret that does not exist yet gets its finalizer once it appears and an issuer event comes.
        if (patched && desired.All(name => secrets.Items.Any(s => s.Metadata.Name == name))) _applied[@namespace] = desired;
        else _applied.TryRemove(@namespace, out _);
        return patched;
    }

    private async Task<bool> PatchSecretFinalizersAsync(V1Secret secret, List<string> finalizers, CancellationToken ct)
    {
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                // The resourceVersion makes this a precondition: a Secret changed meanwhile is retried, not overwritten.
                ["resourceVersion"] = secret.Metadata.ResourceVersion,
                ["finalizers"] = new JsonArray([.. finalizers.Select(f => JsonValue.Create(f))]),
            },
        };
        try
        {
            await client.CoreV1.PatchNamespacedSecretAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), secret.Metadata.Name, secret.Metadata.NamespaceProperty, cancellationToken: ct);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
