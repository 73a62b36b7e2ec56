using System.Collections.Concurrent;
using k8s;
using k8s.Autorest;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Observability;

namespace ServiceTokenOperator.Providers;

/// <summary>
/// Connected providers per issuer, so access tokens and channels are reused and the credential Secret is read only
/// when the issuer changes, when the issuer reconciler re-checks it, or after <see cref="CredentialRefresh"/>.
/// Credential Secrets are not cached by an informer: they carry no label of ours and reading a few per hour costs less
/// than caching every Secret in the cluster.
/// With <paramref name="metrics"/>, every provider is wrapped in <see cref="InstrumentedTokenProvider"/> (spans, metrics, vendor time).
/// </summary>
internal sealed class ProviderCache(IKubernetes client, VendorRegistry vendors, OperatorSettings settings, TimeProvider time, OperatorMetrics? metrics = null)
{
    public static readonly TimeSpan CredentialRefresh = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, Entry> _entries = new();
    private readonly SemaphoreSlim _connect = new(1, 1);

    /// <summary>The provider for an issuer; reads the credential Secret when nothing fresh is cached.</summary>
    public async Task<ITokenProvider> GetAsync(ResolvedIssuer issuer, bool refresh, CancellationToken cancellationToken)
    {
        if (!refresh && _entries.TryGetValue(issuer.Key, out var entry) && entry.Uid == issuer.Uid && entry.Generation == issuer.Generation
            && time.GetUtcNow() - entry.ReadAt < CredentialRefresh)
            return entry.Provider;

        await _connect.WaitAsync(cancellationToken);
        try
        {
            return await ConnectAsync(issuer, cancellationToken);
        }
        finally
        {
            _connect.Release();
        }
    }

    public void Evict(string issuerKey)
    {
        if (_entries.TryRemove(issuerKey, out var entry)) Dispose(entry.Provider);
    }

    private async Task<ITokenProvider> ConnectAsync(ResolvedIssuer issuer, CancellationToken cancellationToken)
    {
        var vendor = vendors.Find(issuer.Vendor)
            ?? throw new IssuerConfigException(Reasons.InvalidIssuer, $"spec: {issuer.Display} needs exactly one of {string.Join(", ", vendors.Names)}");
        var secretNamespace = issuer.Namespace ?? settings.ClusterResourceNamespace;
        var secretName = issuer.Spec.CredentialsSecretRef.Name;
        k8s.Models.V1Secret secret;
        try
        {
            secret = await client.CoreV1.ReadNamespacedSecretAsync(secretName, secretNamespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new IssuerConfigException(Reasons.CredentialsSecretMissing, $"spec.credentialsSecretRef.name: Secret \"{secretName}\" not found in namespace \"{secretNamespace}\"");
        }

        var credentials = (IReadOnlyDictionary<string, byte[]>?)secret.Data ?? new Dictionary<string, byte[]>();
        if (vendor.ValidateIssuer(issuer.Spec, credentials) is { } problem)
            throw new IssuerConfigException(Reasons.CredentialsInvalid, $"{problem.Field}: {problem.Message}");

        if (_entries.TryGetValue(issuer.Key, out var old) && old.SecretVersion == secret.Metadata.ResourceVersion && old.Uid == issuer.Uid && old.Generation == issuer.Generation)
        {
            // Same credential and spec: keep the connected provider (and its cached access token).
            _entries[issuer.Key] = old with { ReadAt = time.GetUtcNow() };
            return old.Provider;
        }

        var connected = vendor.Connect(new IssuerAccount(issuer.Key, issuer.Spec, credentials));
        ITokenProvider provider = metrics is null ? connected : new InstrumentedTokenProvider(connected, vendor.Name, metrics);
        _entries[issuer.Key] = new Entry(issuer.Uid, issuer.Generation, secret.Metadata.ResourceVersion, time.GetUtcNow(), provider);
        if (old is not null) Dispose(old.Provider);
        return provider;
    }

    private static void Dispose(ITokenProvider provider)
    {
        if (provider is IDisposable disposable) disposable.Dispose();
    }

    private sealed record Entry(string Uid, long Generation, string SecretVersion, DateTimeOffset ReadAt, ITokenProvider Provider);
}
