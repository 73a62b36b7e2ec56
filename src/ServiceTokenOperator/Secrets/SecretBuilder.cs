using System.Globalization;
using System.Text;
using k8s.Models;
using ServiceTokenOperator.Api;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;

namespace ServiceTokenOperator.Secrets;

/// <summary>Builds the target Secret of a ServiceToken: data, the labels and annotations of design.md §3, and the ownerReference.</summary>
internal static class SecretBuilder
{
    /// <summary>What the Secret records about the token it holds.</summary>
    public sealed record Record(string TokenId, string TokenName, long Revision, DateTimeOffset IssuedAt, DateTimeOffset? ExpiresAt);

    public sealed record DesiredMetadata(IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations);

    public static DesiredMetadata Metadata(ServiceToken token, Record record)
    {
        var labels = new Dictionary<string, string>(token.Spec.Secret?.Template?.Labels ?? [])
        {
            [SecretLabels.ManagedBy] = SecretLabels.ManagedByValue,
        };
        var annotations = new Dictionary<string, string>(token.Spec.Secret?.Template?.Annotations ?? [])
        {
            [SecretLabels.ServiceToken] = token.Metadata.Name,
            [SecretLabels.TokenId] = record.TokenId,
            [SecretLabels.TokenName] = record.TokenName,
            [SecretLabels.Revision] = record.Revision.ToString(CultureInfo.InvariantCulture),
            [SecretLabels.IssuedAt] = Timestamp(record.IssuedAt),
        };
        if (record.ExpiresAt is { } expiresAt) annotations[SecretLabels.ExpiresAt] = Timestamp(expiresAt);
        return new DesiredMetadata(labels, annotations);
    }

    public static V1Secret Build(ServiceToken token, TokenPolicy policy, Record record, IReadOnlyDictionary<string, string> data)
    {
        var metadata = Metadata(token, record);
        return new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Type = "Opaque",
            Metadata = new V1ObjectMeta
            {
                Name = policy.SecretName,
                NamespaceProperty = token.Metadata.NamespaceProperty,
                Labels = new Dictionary<string, string>(metadata.Labels),
                Annotations = new Dictionary<string, string>(metadata.Annotations),
                OwnerReferences = policy.CreationPolicy == TokenPolicy.CreationOwner ? [OwnerReference(token)] : null,
            },
            Data = data.ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value)),
        };
    }

    /// <summary>
    /// With creation policy Merge the Secret belongs to someone else: ours are only our keys, labels and annotations,
    /// laid over what is there. Everything else stays as its owner wrote it.
    /// </summary>
    public static V1Secret MergeInto(V1Secret existing, V1Secret desired, bool keepData)
    {
        var labels = new Dictionary<string, string>(existing.Metadata.Labels ?? new Dictionary<string, string>());
        foreach (var (k, v) in desired.Metadata.Labels ?? new Dictionary<string, string>()) labels[k] = v;
        var annotations = new Dictionary<string, string>(existing.Metadata.Annotations ?? new Dictionary<string, string>());
        foreach (var (k, v) in desired.Metadata.Annotations ?? new Dictionary<string, string>()) annotations[k] = v;
        var data = new Dictionary<string, byte[]>(existing.Data ?? new Dictionary<string, byte[]>());
        if (!keepData)
        {
            foreach (var (k, v) in desired.Data ?? new Dictionary<string, byte[]>()) data[k] = v;
        }

        return new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Type = existing.Type,
            Immutable = existing.Immutable,
            StringData = null,
            Metadata = new V1ObjectMeta
            {
                Name = existing.Metadata.Name,
                NamespaceProperty = existing.Metadata.NamespaceProperty,
                Labels = labels,
                Annotations = annotations,
                OwnerReferences = existing.Metadata.OwnerReferences,
                Finalizers = existing.Metadata.Finalizers,
                ResourceVersion = existing.Metadata.ResourceVersion,
            },
            Data = data,
        };
    }

    /// <summary>Takes our keys, labels and annotations back out of a merged Secret, leaving the rest to its owner.</summary>
    public static V1Secret Unmerge(V1Secret existing, IReadOnlyList<string> keys)
    {
        var ours = new HashSet<string>([SecretLabels.ManagedBy, SecretLabels.TokenId, SecretLabels.Revision, SecretLabels.IssuedAt, SecretLabels.ExpiresAt, SecretLabels.TokenName, SecretLabels.ServiceToken]);
        existing.Metadata.Labels = existing.Metadata.Labels?.Where(p => !ours.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value);
        existing.Metadata.Annotations = existing.Metadata.Annotations?.Where(p => !ours.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value);
        existing.Data = existing.Data?.Where(p => !keys.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value);
        return existing;
    }

    /// <summary>The data the HMAC covers: all of it for a Secret we own, only our keys in a merged one.</summary>
    public static IReadOnlyDictionary<string, byte[]> ManagedData(V1Secret secret, TokenPolicy policy, SecretTemplate? template, string vendor)
    {
        var data = (IReadOnlyDictionary<string, byte[]>?)secret.Data ?? new Dictionary<string, byte[]>();
        if (policy.CreationPolicy != TokenPolicy.CreationMerge) return data;
        var keys = SecretTemplateRenderer.Keys(template, vendor);
        return data.Where(p => keys.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value);
    }

    /// <summary>Reads the record back from a Secret written by <see cref="Build"/>, for adoption after a crash.</summary>
    public static Record? ReadRecord(V1Secret secret)
    {
        var a = secret.Metadata;
        if (a.Annotation(SecretLabels.TokenId) is not { } id || ServiceTokenDecision.RevisionOf(secret) == 0) return null;
        return new Record(
            id,
            secret.Metadata.Annotation(SecretLabels.TokenName) ?? "",
            ServiceTokenDecision.RevisionOf(secret),
            ParseTime(secret.Metadata.Annotation(SecretLabels.IssuedAt)) ?? DateTimeOffset.UnixEpoch,
            ParseTime(secret.Metadata.Annotation(SecretLabels.ExpiresAt)));
    }

    public static V1OwnerReference OwnerReference(ServiceToken token) => new()
    {
        ApiVersion = ApiGroup.Version,
        Kind = ServiceToken.KindName,
        Name = token.Metadata.Name,
        Uid = token.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    private static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static DateTimeOffset? ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;
}
