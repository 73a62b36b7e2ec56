namespace ServiceTokenOperator.Controllers;

/// <summary>Condition reasons and event reasons: every user-visible reason string, in one place.</summary>
internal static class Reasons
{
    // Healthy states.
    public const string Issued = "Issued";
    public const string Adopted = "Adopted";
    public const string UpToDate = "UpToDate";
    public const string Rotated = "Rotated";
    public const string Revoked = "Revoked";
    public const string CredentialValid = "CredentialValid";
    public const string GrantsUpdated = "GrantsUpdated";

    // The Rotating condition: the previous token is still valid for its grace period, or nothing is in progress.
    public const string GracePeriod = "GracePeriod";
    public const string Idle = "Idle";

    // Why a new revision is issued.
    public const string FirstIssue = "FirstIssue";
    public const string SecretMissing = "SecretMissing";
    public const string SecretDataChanged = "SecretDataChanged";
    public const string SpecChanged = "SpecChanged";
    public const string RotationDue = "RotationDue";
    public const string ManualRotationRequested = "ManualRotationRequested";
    public const string SecretMetadataRestored = "SecretMetadataRestored";

    // Waiting on something that may fix itself.
    public const string IssuerNotFound = "IssuerNotFound";
    public const string IssuerNotReady = "IssuerNotReady";
    public const string VendorUnavailable = "VendorUnavailable";
    public const string RateLimited = "RateLimited";
    public const string Deleting = "Deleting";

    // A person must act.
    public const string InvalidSpec = "InvalidSpec";
    public const string VendorMismatch = "VendorMismatch";
    public const string SecretNotOwned = "SecretNotOwned";
    public const string IssuerNotAllowed = "IssuerNotAllowed";
    public const string CredentialsSecretMissing = "CredentialsSecretMissing";
    public const string CredentialsInvalid = "CredentialsInvalid";
    public const string CredentialRejected = "CredentialRejected";
    public const string PermissionDenied = "PermissionDenied";
    public const string RequestRejected = "RequestRejected";
    public const string InvalidIssuer = "InvalidIssuer";

    /// <summary>An issuer reason that no retry can fix: the credential or the issuer spec must change.</summary>
    public static bool NeedsAPerson(string reason) =>
        reason is CredentialsSecretMissing or CredentialsInvalid or CredentialRejected or PermissionDenied or InvalidIssuer;
}
