using ServiceTokenOperator.Runtime;

namespace ServiceTokenOperator.Controllers;

/// <summary>The work-queue key of an issuer: both kinds share one queue.</summary>
internal readonly record struct IssuerKey(string Kind, ObjectKey Object)
{
    /// <summary>Same form as <see cref="ResolvedIssuer.Key"/>.</summary>
    public override string ToString() => $"{Kind}/{Object}";
}
