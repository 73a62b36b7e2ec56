using ServiceTokenOperator.Api.V1Alpha1;

namespace ServiceTokenOperator.Providers;

/// <summary>A token to create.</summary>
/// <param name="Name">Vendor-side name; already fits the vendor's limit and identifies cluster, owner and revision.</param>
/// <param name="Spec">The ServiceToken spec, for the vendor's request block (accesses, ttl, scopes).</param>
internal sealed record TokenRequest(string Name, ServiceTokenSpec Spec);
