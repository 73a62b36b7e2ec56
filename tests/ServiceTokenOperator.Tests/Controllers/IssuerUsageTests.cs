using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.Tests.Controllers;

/// <summary>Which ServiceToken changes can change the issuers in use, and so wake the usage reconciler.</summary>
public sealed class IssuerUsageTests
{
    [Fact]
    public void UsageChanged_StatusWriteWithTheSameIssuers_False()
    {
        var before = Token("ps", finalizer: true, tokenId: "t1", statusIssuer: "TokenIssuer/apps/ps");
        var after = Token("ps", finalizer: true, tokenId: "t2", statusIssuer: "TokenIssuer/apps/ps");

        Assert.False(IssuerUsage.UsageChanged(before, after));
    }

    [Fact]
    public void UsageChanged_IssuerRefChangedOrRevocationPending_True()
    {
        var before = Token("ps", finalizer: true, tokenId: "t1", statusIssuer: "TokenIssuer/apps/ps");

        Assert.True(IssuerUsage.UsageChanged(before, Token("ps-new", finalizer: true, tokenId: "t1", statusIssuer: "TokenIssuer/apps/ps")));
        Assert.True(IssuerUsage.UsageChanged(before, Token("ps", finalizer: true, tokenId: "t2", statusIssuer: "TokenIssuer/apps/ps", pendingIssuer: "TokenIssuer/apps/old")));
    }

    [Fact]
    public void UsageChanged_StoppedNeedingOrCameOrWent_True()
    {
        var needing = Token("ps", finalizer: true);

        Assert.True(IssuerUsage.UsageChanged(needing, Token("ps")));
        Assert.True(IssuerUsage.UsageChanged(null, needing));
        Assert.True(IssuerUsage.UsageChanged(needing, null));
    }

    private static ServiceToken Token(string issuer, bool finalizer = false, string? tokenId = null, string? statusIssuer = null, string? pendingIssuer = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = "apps", Finalizers = finalizer ? [SecretLabels.Finalizer] : null },
        Spec = new ServiceTokenSpec { IssuerRef = new IssuerReference { Name = issuer } },
        Status = new ServiceTokenStatus
        {
            TokenId = tokenId,
            Issuer = statusIssuer,
            PendingRevocations = pendingIssuer is null ? null : [new PendingRevocation { TokenId = "old", RevokeAt = DateTime.UnixEpoch, Issuer = pendingIssuer }],
        },
    };
}
