namespace ServiceTokenOperator.Secrets;

/// <summary>Labels and annotations the operator puts on the Secrets it writes (design.md §3).</summary>
internal static class SecretLabels
{
    /// <summary>The Secret informer caches whole objects only of Secrets with this label; the others are watched as metadata alone.</summary>
    public const string ManagedBy = "servicetoken.dev/managed-by";
    public const string ManagedByValue = "servicetoken-operator";
    public const string ManagedBySelector = ManagedBy + "=" + ManagedByValue;

    /// <summary>Every other Secret (<c>!=</c> also matches Secrets without the label): the complement of <see cref="ManagedBySelector"/>.</summary>
    public const string NotManagedBySelector = ManagedBy + "!=" + ManagedByValue;

    public const string TokenId = "servicetoken.dev/token-id";
    public const string Revision = "servicetoken.dev/revision";
    public const string IssuedAt = "servicetoken.dev/issued-at";
    public const string ExpiresAt = "servicetoken.dev/expires-at";
    public const string TokenName = "servicetoken.dev/token-name";

    /// <summary>The owning ServiceToken's name (the Secret's name may differ, and Orphan Secrets carry no ownerReference).</summary>
    public const string ServiceToken = "servicetoken.dev/service-token";

    /// <summary>On a ServiceToken: any new value requests one rotation.</summary>
    public const string Rotate = "servicetoken.dev/rotate";

    /// <summary>The ServiceToken finalizer: vendor tokens are revoked before the object goes.</summary>
    public const string Finalizer = "servicetoken.dev/revoke";
}
