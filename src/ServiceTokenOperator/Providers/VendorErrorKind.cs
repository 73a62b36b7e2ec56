namespace ServiceTokenOperator.Providers;

/// <summary>How a vendor call failed, which decides whether retrying can help.</summary>
internal enum VendorErrorKind
{
    /// <summary>5xx, timeout, connection refused: retry with backoff.</summary>
    Unavailable,

    /// <summary>429 / RESOURCE_EXHAUSTED: retry after <see cref="VendorException.RetryAfter"/> when known.</summary>
    RateLimited,

    /// <summary>401 / invalid_grant / UNAUTHENTICATED: the admin credential is wrong. Permanent until it changes.</summary>
    CredentialRejected,

    /// <summary>403 / PERMISSION_DENIED: the credential may not manage tokens. Permanent until it changes.</summary>
    PermissionDenied,

    /// <summary>404 / NOT_FOUND.</summary>
    NotFound,

    /// <summary>400 / 422 / INVALID_ARGUMENT: the request itself is wrong. Permanent until the spec changes.</summary>
    InvalidRequest,

    /// <summary>409 / ALREADY_EXISTS on create: a token of that name exists (an earlier attempt left it behind).</summary>
    AlreadyExists,
}
