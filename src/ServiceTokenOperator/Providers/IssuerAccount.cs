using ServiceTokenOperator.Api.V1Alpha1;

namespace ServiceTokenOperator.Providers;

/// <summary>An issuer's vendor account: its spec and the keys of its credential Secret.</summary>
/// <param name="IssuerKey">Kind/namespace/name of the issuer, for logs and caching.</param>
internal sealed record IssuerAccount(string IssuerKey, TokenIssuerSpec Spec, IReadOnlyDictionary<string, byte[]> Credentials)
{
    // The credential bytes must never be printed.
    public override string ToString() => $"IssuerAccount {{ IssuerKey = {IssuerKey} }}";
}
