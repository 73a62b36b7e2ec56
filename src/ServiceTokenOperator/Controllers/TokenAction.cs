namespace ServiceTokenOperator.Controllers;

/// <summary>The one thing a ServiceToken reconcile does.</summary>
internal enum TokenAction
{
    /// <summary>Being deleted: revoke per deletionPolicy, then drop the finalizer.</summary>
    Finalize,

    /// <summary>A person must fix the spec or the issuer: report Stalled, make no vendor call.</summary>
    Stall,

    /// <summary>Waiting for something that may fix itself (issuer missing or not ready): report and retry with backoff.</summary>
    Wait,

    /// <summary>Put the finalizer on before any vendor call.</summary>
    AddFinalizer,

    /// <summary>The Secret already holds a newer revision than status (crash between Secret and status): record it, issue nothing.</summary>
    Adopt,

    /// <summary>Create a new revision.</summary>
    Issue,

    /// <summary>Change the grants of the live token in place (same token, same revision); re-issue if the vendor cannot.</summary>
    UpdateGrants,

    /// <summary>Revoke replaced tokens whose grace period has ended.</summary>
    Revoke,

    /// <summary>Put back the Secret's labels, annotations or owner without issuing.</summary>
    RestoreSecret,

    /// <summary>Nothing to do but keep status current; wake up at the next rotation or revocation.</summary>
    UpToDate,
}
