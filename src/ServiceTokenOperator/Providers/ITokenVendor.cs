using ServiceTokenOperator.Api.V1Alpha1;

namespace ServiceTokenOperator.Providers;

/// <summary>
/// One vendor, registered once (<c>services.AddTokenVendor&lt;T&gt;()</c>). It checks what users wrote and
/// connects to an issuer's account; everything stateful lives in the <see cref="ITokenProvider"/> it returns.
/// </summary>
internal interface ITokenVendor
{
    /// <summary>The vendor name as used in status, metrics and issuer blocks: planetscale, upsun, platformsh, akka.</summary>
    string Name { get; }

    /// <summary>Longest vendor-side token name the vendor accepts; names are shortened and hashed to fit.</summary>
    int MaxTokenNameLength { get; }

    /// <summary>
    /// Least time between two scheduled rotations on one account, so that a wave of due rotations (after an outage,
    /// a restart, or tokens applied together) stays well inside the vendor's rate limit.
    /// </summary>
    TimeSpan RotationSpacing { get; }

    /// <summary>Checks the issuer block and the credential Secret's keys; a problem names the field or key.</summary>
    ConfigProblem? ValidateIssuer(TokenIssuerSpec spec, IReadOnlyDictionary<string, byte[]> credentials);

    /// <summary>Checks the ServiceToken's request details for this vendor; a problem names the field.</summary>
    ConfigProblem? ValidateRequest(ServiceTokenSpec spec);

    /// <summary>A provider bound to one issuer account. Call <see cref="ValidateIssuer"/> first.</summary>
    ITokenProvider Connect(IssuerAccount account);
}
