using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Providers;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.Tests.Controllers;

/// <summary>A due rotation waits for the slot its issuer's pace gives it; nothing else waits.</summary>
public sealed class ServiceTokenDecisionPacingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly SecretMac Mac = new(new byte[32]);

    private static ServiceTokenInputs Inputs(DateTimeOffset nextRotation, DateTimeOffset? slot, string? rotateAnnotation = null)
    {
        var data = new Dictionary<string, byte[]> { ["PLANETSCALE_SERVICE_TOKEN"] = "value"u8.ToArray() };
        var spec = new ServiceTokenSpec { IssuerRef = new IssuerReference { Kind = "ClusterTokenIssuer", Name = "ps" } };
        var token = new ServiceToken
        {
            Metadata = new V1ObjectMeta
            {
                Name = "t", NamespaceProperty = "apps", Uid = "uid", Generation = 1, Finalizers = [SecretLabels.Finalizer],
                Annotations = rotateAnnotation is null ? null : new Dictionary<string, string> { [SecretLabels.Rotate] = rotateAnnotation },
            },
            Spec = spec,
            Status = new ServiceTokenStatus
            {
                TokenId = "tok1", TokenName = "st-c-apps-t-r1", Revision = 1, IssuedAt = Now.AddDays(-90).UtcDateTime,
                NextRotationAt = nextRotation.UtcDateTime, SecretName = "t", SecretMac = Mac.Compute(data), RequestHash = TokenRequestHash.Of(spec),
            },
        };
        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta
            {
                Name = "t", NamespaceProperty = "apps",
                Annotations = new Dictionary<string, string> { [SecretLabels.ServiceToken] = "t", [SecretLabels.Revision] = "1", [SecretLabels.TokenId] = "tok1" },
            },
            Data = data,
        };
        var issuer = new ResolvedIssuer("ClusterTokenIssuer", "ps", null, "iuid", 1, new TokenIssuerSpec { PlanetScale = new PlanetScaleIssuer { Organization = "acme" } }, Vendors.PlanetScale,
            new TokenIssuerStatus { ObservedGeneration = 1, Conditions = [new V1Condition { Type = ConditionTypes.Ready, Status = "True", Reason = Reasons.CredentialValid, Message = "" }] });
        return new ServiceTokenInputs(token, issuer, new AcceptingVendor(), secret, Now, TimeSpan.FromHours(1), Mac, slot);
    }

    [Fact]
    public void Decide_RotationDueAndItsSlotReached_Issues()
    {
        var decision = ServiceTokenDecision.Decide(Inputs(Now.AddMinutes(-5), slot: Now));

        Assert.Equal((TokenAction.Issue, Reasons.RotationDue), (decision.Action, decision.Reason));
    }

    [Fact]
    public void Decide_RotationDueButItsSlotIsLater_Waits()
    {
        var decision = ServiceTokenDecision.Decide(Inputs(Now.AddMinutes(-5), slot: Now.AddSeconds(4)));

        Assert.NotEqual(TokenAction.Issue, decision.Action);
    }

    [Fact]
    public void Decide_ManualRotation_IsNotPaced()
    {
        var decision = ServiceTokenDecision.Decide(Inputs(Now.AddMinutes(-5), slot: Now.AddSeconds(4), rotateAnnotation: "now"));

        Assert.Equal((TokenAction.Issue, Reasons.ManualRotationRequested), (decision.Action, decision.Reason));
    }

    [Fact]
    public void NextWake_DueRotationWithALaterSlot_WakesAtTheSlot()
    {
        var inputs = Inputs(Now.AddMinutes(-5), slot: Now.AddSeconds(4));

        Assert.Equal(Now.AddSeconds(4), ServiceTokenDecision.NextWake(inputs.Token.Status, inputs.RotationSlot));
    }

    [Fact]
    public void NextWake_PendingRevocationBeforeTheRotation_WakesForTheRevocation()
    {
        var status = new ServiceTokenStatus
        {
            NextRotationAt = Now.AddDays(90).UtcDateTime,
            PendingRevocations = [new PendingRevocation { TokenId = "old", RevokeAt = Now.AddMinutes(10).UtcDateTime }],
        };

        Assert.Equal(Now.AddMinutes(10), ServiceTokenDecision.NextWake(status));
    }

    private sealed class AcceptingVendor : ITokenVendor
    {
        public string Name => Vendors.PlanetScale;

        public int MaxTokenNameLength => 64;

        public TimeSpan RotationSpacing => TimeSpan.FromSeconds(1);

        public ConfigProblem? ValidateIssuer(TokenIssuerSpec spec, IReadOnlyDictionary<string, byte[]> credentials) => null;

        public ConfigProblem? ValidateRequest(ServiceTokenSpec spec) => null;

        public ITokenProvider Connect(IssuerAccount account) => throw new NotSupportedException("the decision makes no vendor call");
    }
}
