using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Observability;

namespace ServiceTokenOperator.Tests.Observability;

public sealed class StatusEventsTests
{
    private static ServiceTokenStatus Status(string readyReason, string readyMessage, string? tokenId = "tok-1", long revision = 1, bool ready = true,
        string stalledReason = "", string stalledMessage = "", bool stalled = false, FailureRecord? failure = null) => new()
    {
        TokenId = tokenId,
        Revision = revision,
        LastFailure = failure,
        Conditions =
        [
            new V1Condition { Type = ConditionTypes.Ready, Status = ready ? "True" : "False", Reason = readyReason, Message = readyMessage },
            new V1Condition { Type = ConditionTypes.Stalled, Status = stalled ? "True" : "False", Reason = stalledReason, Message = stalledMessage },
        ],
    };

    [Fact]
    public void ForToken_FirstIssue_NormalIssuedWithTheConditionMessage()
    {
        var happened = StatusEvents.ForToken(new ServiceTokenStatus(), Status(Reasons.Issued, "Secret \"s\" holds token tok-1"));

        Assert.Equal((EventRecorder.Normal, Reasons.Issued, "Secret \"s\" holds token tok-1"), happened);
    }

    [Fact]
    public void ForToken_Rotated_NormalRotatedAndCountsAsRotation()
    {
        var old = Status(Reasons.Issued, "tok-1");
        var current = Status(Reasons.Rotated, "tok-2", tokenId: "tok-2", revision: 2);

        Assert.Equal((EventRecorder.Normal, Reasons.Rotated, "tok-2"), StatusEvents.ForToken(old, current));
        Assert.True(StatusEvents.IsRotation(old, current));
        Assert.False(StatusEvents.IsRotation(new ServiceTokenStatus(), old));
    }

    [Fact]
    public void ForToken_NothingChanged_NoEvent()
    {
        Assert.Null(StatusEvents.ForToken(Status(Reasons.Issued, "m"), Status(Reasons.Issued, "m")));
    }

    [Fact]
    public void ForToken_NewVendorFailure_WarningWithTheFailureReason()
    {
        var first = new FailureRecord { Time = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), Reason = Reasons.VendorUnavailable, Message = "503" };
        var again = new FailureRecord { Time = first.Time.AddSeconds(5), Reason = first.Reason, Message = first.Message };

        Assert.Equal((EventRecorder.Warning, Reasons.VendorUnavailable, "503"), StatusEvents.ForToken(Status(Reasons.Issued, "m"), Status(Reasons.Issued, "m", failure: first)));
        Assert.Equal((EventRecorder.Warning, Reasons.VendorUnavailable, "503"), StatusEvents.ForToken(Status(Reasons.Issued, "m", failure: first), Status(Reasons.Issued, "m", failure: again)));
        Assert.Null(StatusEvents.ForToken(Status(Reasons.Issued, "m", failure: first), Status(Reasons.Issued, "m", failure: first)));
    }

    [Fact]
    public void ForToken_Stalled_WarningWithTheStalledReason()
    {
        var happened = StatusEvents.ForToken(Status(Reasons.Issued, "m"), Status(Reasons.Issued, "m", stalled: true, stalledReason: Reasons.SecretNotOwned, stalledMessage: "not ours"));

        Assert.Equal((EventRecorder.Warning, Reasons.SecretNotOwned, "not ours"), happened);
    }

    [Fact]
    public void ForIssuer_ReadyFlips_NormalThenWarning()
    {
        TokenIssuerStatus Issuer(bool ready, string reason) => new() { Conditions = [new V1Condition { Type = ConditionTypes.Ready, Status = ready ? "True" : "False", Reason = reason, Message = reason }] };

        Assert.Equal((EventRecorder.Normal, Reasons.CredentialValid, Reasons.CredentialValid), StatusEvents.ForIssuer(null, Issuer(true, Reasons.CredentialValid)));
        Assert.Equal((EventRecorder.Warning, Reasons.CredentialRejected, Reasons.CredentialRejected), StatusEvents.ForIssuer(Issuer(true, Reasons.CredentialValid), Issuer(false, Reasons.CredentialRejected)));
        Assert.Null(StatusEvents.ForIssuer(Issuer(true, Reasons.CredentialValid), Issuer(true, Reasons.CredentialValid)));
    }
}
