using ServiceTokenOperator.Providers;

namespace ServiceTokenOperator.Sweep;

/// <summary>Everything one sweep of one issuer decides on, gathered before deciding.</summary>
/// <param name="ClusterId">This cluster's id: only names with its prefix are candidates.</param>
/// <param name="VendorTokens">The vendor's list of the issuer account's tokens.</param>
/// <param name="ReferencedTokenIds">Token ids that any ServiceToken status or managed Secret of this cluster names.</param>
/// <param name="FirstSeen">When this process first listed each token; stands in for a creation time the vendor does not give.</param>
/// <param name="Now">Taken after the list completed.</param>
/// <param name="SafetyWindow">The age below which an unreferenced token is left alone.</param>
internal sealed record OrphanSweepInputs(
    string ClusterId,
    IReadOnlyList<VendorToken> VendorTokens,
    IReadOnlySet<string> ReferencedTokenIds,
    IReadOnlyDictionary<string, DateTimeOffset> FirstSeen,
    DateTimeOffset Now,
    TimeSpan SafetyWindow);
