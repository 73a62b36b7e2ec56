using System.Text;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Providers.PlanetScale;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.Tests.Controllers;

/// <summary>
/// Every check of the decision, one row each, from a healthy up-to-date token changed in one way; plus rows that pin
/// the order of the checks (deletion beats a bad spec, a foreign Secret beats issuing, ...).
/// </summary>
public sealed class ServiceTokenDecisionTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero));
    private static readonly DateTimeOffset Now = Clock.GetUtcNow();
    private static readonly DateTimeOffset IssuedAt = Now - TimeSpan.FromDays(10);
    private static readonly SecretMac Mac = new(Encoding.UTF8.GetBytes("decision-test-mac-key-0123456789"));
    private static readonly PlanetScaleVendor PlanetScale = new(null!, Clock, NullLoggerFactory.Instance);

    /// <summary>A minimal change to the healthy world, and what the decision must say.</summary>
    private sealed record Row(Action<World> Change, TokenAction Action, string Reason, string? Field = null);

    /// <summary>The gathered inputs as mutable parts, so that each row changes one thing.</summary>
    private sealed class World
    {
        public ServiceToken Token { get; set; } = HealthyToken();
        public ResolvedIssuer? Issuer { get; set; } = ClusterIssuer();
        public bool VendorKnown { get; set; } = true;
        public V1Secret? Secret { get; set; }
        public IReadOnlyDictionary<string, string>? NamespaceLabels { get; set; } = new Dictionary<string, string> { ["team"] = "payments" };
        public DateTimeOffset Now { get; set; } = ServiceTokenDecisionTests.Now;

        public World() => Secret = HealthySecret(Token);

        public ServiceTokenInputs Inputs() => new(Token, Issuer, VendorKnown ? PlanetScale : null, Secret, Now, TimeSpan.FromHours(1), Mac, NamespaceLabels: NamespaceLabels);
    }

    private static readonly Dictionary<string, Row> Rows = new()
    {
        // Deletion first.
        ["an object being deleted is finalized"] = new(w => w.Token.Metadata.DeletionTimestamp = Now.UtcDateTime, TokenAction.Finalize, Reasons.Deleting),
        ["deletion beats a bad spec"] = new(w =>
        {
            w.Token.Metadata.DeletionTimestamp = Now.UtcDateTime;
            w.Token.Spec.Rotation = new RotationSpec { Every = "soon" };
        }, TokenAction.Finalize, Reasons.Deleting),
        ["deletion beats a missing issuer"] = new(w =>
        {
            w.Token.Metadata.DeletionTimestamp = Now.UtcDateTime;
            w.Issuer = null;
        }, TokenAction.Finalize, Reasons.Deleting),

        // The spec, as TokenPolicy parses it.
        ["every and schedule together stall"] = new(w => w.Token.Spec.Rotation = new RotationSpec { Every = "24h", Schedule = "0 3 * * *" }, TokenAction.Stall, Reasons.InvalidSpec, "spec.rotation:"),
        ["an every that is no duration stalls"] = new(w => w.Token.Spec.Rotation = new RotationSpec { Every = "90 days" }, TokenAction.Stall, Reasons.InvalidSpec, "spec.rotation.every"),
        ["a zero every stalls"] = new(w => w.Token.Spec.Rotation = new RotationSpec { Every = "0s" }, TokenAction.Stall, Reasons.InvalidSpec, "spec.rotation.every"),
        ["an every below the operator minimum stalls"] = new(w => w.Token.Spec.Rotation = new RotationSpec { Every = "59m" }, TokenAction.Stall, Reasons.InvalidSpec, "spec.rotation.every"),
        ["a cron with a minute out of range stalls"] = new(w => w.Token.Spec.Rotation = new RotationSpec { Schedule = "61 3 * * *" }, TokenAction.Stall, Reasons.InvalidSpec, "spec.rotation.schedule"),
        ["a cron with too few fields stalls"] = new(w => w.Token.Spec.Rotation = new RotationSpec { Schedule = "0 3 * *" }, TokenAction.Stall, Reasons.InvalidSpec, "spec.rotation.schedule"),
        ["an unknown time zone stalls"] = new(w => w.Token.Spec.Rotation = new RotationSpec { Schedule = "0 3 * * *", TimeZone = "Mars/Olympus_Mons" }, TokenAction.Stall, Reasons.InvalidSpec, "spec.rotation.timeZone"),
        ["a time zone without a schedule stalls"] = new(w => w.Token.Spec.Rotation = new RotationSpec { Every = "24h", TimeZone = "Europe/Paris" }, TokenAction.Stall, Reasons.InvalidSpec, "spec.rotation.timeZone"),
        ["a grace period as long as the period stalls"] = new(w => w.Token.Spec.Rotation = new RotationSpec { Every = "2h", GracePeriod = "2h" }, TokenAction.Stall, Reasons.InvalidSpec, "spec.rotation.gracePeriod"),
        ["a grace period longer than the period stalls"] = new(w => w.Token.Spec.Rotation = new RotationSpec { Every = "2h", GracePeriod = "3h" }, TokenAction.Stall, Reasons.InvalidSpec, "spec.rotation.gracePeriod"),
        ["a grace period that is no duration stalls"] = new(w => w.Token.Spec.Rotation = new RotationSpec { GracePeriod = "ten minutes" }, TokenAction.Stall, Reasons.InvalidSpec, "spec.rotation.gracePeriod"),
        ["a ttl below one minute stalls"] = new(w => w.Token.Spec.PlanetScale = new PlanetScaleTokenRequest { Ttl = "30s" }, TokenAction.Stall, Reasons.InvalidSpec, "spec.planetscale.ttl"),
        ["an unknown deletion policy stalls"] = new(w => w.Token.Spec.DeletionPolicy = "Shred", TokenAction.Stall, Reasons.InvalidSpec, "spec.deletionPolicy"),
        ["an unknown creation policy stalls"] = new(w => w.Token.Spec.Secret!.CreationPolicy = "Merge-ish", TokenAction.Stall, Reasons.InvalidSpec, "spec.secret.creationPolicy"),
        ["an unknown issuer kind stalls"] = new(w => w.Token.Spec.IssuerRef.Kind = "Issuer", TokenAction.Stall, Reasons.InvalidSpec, "spec.issuerRef.kind"),
        ["an empty issuer name stalls"] = new(w => w.Token.Spec.IssuerRef.Name = "", TokenAction.Stall, Reasons.InvalidSpec, "spec.issuerRef.name"),
        ["a bad spec beats a missing issuer"] = new(w =>
        {
            w.Token.Spec.Rotation = new RotationSpec { Every = "forever" };
            w.Issuer = null;
        }, TokenAction.Stall, Reasons.InvalidSpec, "spec.rotation.every"),

        // The issuer.
        ["a missing ClusterTokenIssuer waits"] = new(w => w.Issuer = null, TokenAction.Wait, Reasons.IssuerNotFound, "spec.issuerRef: ClusterTokenIssuer \"acme\" not found"),
        ["a missing TokenIssuer waits, naming the namespace"] = new(w =>
        {
            w.Token.Spec.IssuerRef.Kind = null;
            w.Issuer = null;
        }, TokenAction.Wait, Reasons.IssuerNotFound, "TokenIssuer \"acme\" not found in namespace \"apps\""),
        ["a namespace outside the issuer's conditions stalls"] = new(w => w.Issuer = ClusterIssuer(new ClusterIssuerCondition { Namespaces = ["billing"] }), TokenAction.Stall, Reasons.IssuerNotAllowed, "spec.issuerRef"),
        ["a namespace listed by name may use the issuer"] = new(w => w.Issuer = ClusterIssuer(new ClusterIssuerCondition { Namespaces = ["billing", "apps"] }), TokenAction.UpToDate, Reasons.UpToDate),
        ["a namespace matched by the selector may use the issuer"] = new(w => w.Issuer = ClusterIssuer(Selector("team", "payments")), TokenAction.UpToDate, Reasons.UpToDate),
        ["a namespace the selector does not match stalls"] = new(w => w.Issuer = ClusterIssuer(Selector("team", "search")), TokenAction.Stall, Reasons.IssuerNotAllowed, "spec.issuerRef"),
        ["a namespace matched by a regex may use the issuer"] = new(w => w.Issuer = ClusterIssuer(new ClusterIssuerCondition { NamespaceRegexes = ["ap+s"] }), TokenAction.UpToDate, Reasons.UpToDate),
        ["a regex matches whole names only"] = new(w => w.Issuer = ClusterIssuer(new ClusterIssuerCondition { NamespaceRegexes = ["app"] }), TokenAction.Stall, Reasons.IssuerNotAllowed, "spec.issuerRef"),
        ["an invalid regex denies and names it"] = new(w => w.Issuer = ClusterIssuer(new ClusterIssuerCondition { NamespaceRegexes = ["(apps"] }), TokenAction.Stall, Reasons.IssuerNotAllowed, "spec.conditions[0].namespaceRegexes[0]"),
        ["unknown namespace labels wait for the cache"] = new(w =>
        {
            w.Issuer = ClusterIssuer(Selector("team", "payments"));
            w.NamespaceLabels = null;
        }, TokenAction.Wait, Reasons.IssuerNotAllowed, "spec.issuerRef"),
        ["a namespace not allowed beats a vendor mismatch"] = new(w =>
        {
            w.Issuer = ClusterIssuer(new ClusterIssuerCondition { Namespaces = ["billing"] });
            w.Token.Spec.Akka = new AkkaTokenRequest { Scopes = ["execution"] };
        }, TokenAction.Stall, Reasons.IssuerNotAllowed, "spec.issuerRef"),
        ["a namespace not allowed stops even a first issue"] = new(w =>
        {
            w.Issuer = ClusterIssuer(new ClusterIssuerCondition { Namespaces = ["billing"] });
            w.Token.Status = null;
            w.Secret = null;
        }, TokenAction.Stall, Reasons.IssuerNotAllowed, "spec.issuerRef"),
        ["an issuer without a supported vendor waits"] = new(w => w.VendorKnown = false, TokenAction.Wait, Reasons.IssuerNotReady, "spec.issuerRef"),
        ["a request block of another vendor stalls"] = new(w => w.Token.Spec.Akka = new AkkaTokenRequest { Scopes = ["execution"] }, TokenAction.Stall, Reasons.VendorMismatch, "spec.akka: is set, but ClusterTokenIssuer \"acme\" is a planetscale issuer"),
        ["an unknown PlanetScale permission stalls"] = new(w => w.Token.Spec.PlanetScale!.Accesses![0].Permissions = ["read_branch", "drop_everything"], TokenAction.Stall, Reasons.InvalidSpec, "spec.planetscale.accesses[0].permissions[1]"),
        ["an empty database name stalls"] = new(w => w.Token.Spec.PlanetScale!.Accesses![0].Database = " ", TokenAction.Stall, Reasons.InvalidSpec, "spec.planetscale.accesses[0].database"),
        ["a template key Kubernetes refuses stalls"] = new(w => Template(w).Data = new() { ["bad key!"] = "{{ .token }}" }, TokenAction.Stall, Reasons.InvalidSpec, "spec.secret.template.data.bad key!"),
        ["a template with an unknown variable stalls"] = new(w => Template(w).Data = new() { ["DSN"] = "{{ .password }}" }, TokenAction.Stall, Reasons.InvalidSpec, "spec.secret.template.data.DSN"),
        ["a template label key Kubernetes refuses stalls before any vendor call"] = new(w => Template(w).Labels!["bad key!"] = "x", TokenAction.Stall, Reasons.InvalidSpec, "spec.secret.template.labels"),
        ["a template label key with a prefix is fine"] = new(w =>
        {
            Template(w).Labels!["example.com/team"] = "payments";
            w.Secret!.Metadata.Labels["example.com/team"] = "payments";
        }, TokenAction.UpToDate, Reasons.UpToDate),
        ["a template annotation key with an empty prefix stalls"] = new(w => Template(w).Annotations = new() { ["/note"] = "x" }, TokenAction.Stall, Reasons.InvalidSpec, "spec.secret.template.annotations"),
        ["a template annotation name over 63 characters stalls"] = new(w => Template(w).Annotations = new() { [new string('a', 64)] = "x" }, TokenAction.Stall, Reasons.InvalidSpec, "spec.secret.template.annotations"),
        ["a template data key over 253 characters stalls"] = new(w => Template(w).Data = new() { [new string('k', 254)] = "{{ .token }}" }, TokenAction.Stall, Reasons.InvalidSpec, "spec.secret.template.data"),
        ["a template with a broken placeholder stalls"] = new(w => Template(w).Data = new() { ["DSN"] = "{{ .token" }, TokenAction.Stall, Reasons.InvalidSpec, "spec.secret.template.data.DSN"),

        // The Secret of someone else.
        ["a Secret managed by another ServiceToken stalls"] = new(w => w.Secret!.Metadata.Annotations[SecretLabels.ServiceToken] = "other", TokenAction.Stall, Reasons.SecretNotOwned, "spec.secret.name: Secret \"api-planetscale\" is managed by ServiceToken \"other\""),
        ["a foreign Secret beats the first issue"] = new(w =>
        {
            w.Token.Status = null;
            w.Token.Metadata.Finalizers = null;
            w.Secret!.Metadata.Annotations[SecretLabels.ServiceToken] = "other";
        }, TokenAction.Stall, Reasons.SecretNotOwned, "spec.secret.name"),
        ["a foreign Secret beats an issuer that is not ready"] = new(w =>
        {
            w.Issuer = ClusterIssuer(ready: false);
            w.Secret!.Metadata.Annotations[SecretLabels.ServiceToken] = "other";
        }, TokenAction.Stall, Reasons.SecretNotOwned, "spec.secret.name"),

        // Readiness of the issuer.
        ["an issuer whose credential is unchecked waits"] = new(w => w.Issuer = ClusterIssuer(ready: false), TokenAction.Wait, Reasons.IssuerNotReady, "spec.issuerRef"),
        ["an issuer checked at an older generation waits"] = new(w => w.Issuer = ClusterIssuer() with { Generation = 3 }, TokenAction.Wait, Reasons.IssuerNotReady, "spec.issuerRef"),

        // Issuing.
        ["no finalizer: add it before any vendor call"] = new(w => w.Token.Metadata.Finalizers = null, TokenAction.AddFinalizer, Reasons.FirstIssue),
        ["a Secret newer than status is adopted"] = new(w => w.Secret!.Metadata.Annotations[SecretLabels.Revision] = "2", TokenAction.Adopt, Reasons.Adopted),
        ["no token yet: issue the first"] = new(w =>
        {
            w.Token.Status = null;
            w.Secret = null;
        }, TokenAction.Issue, Reasons.FirstIssue),
        ["a missing Secret is re-issued"] = new(w => w.Secret = null, TokenAction.Issue, Reasons.SecretMissing, "\"api-planetscale\""),
        ["changed Secret data is re-issued"] = new(w => w.Secret!.Data["PLANETSCALE_SERVICE_TOKEN"] = Encoding.UTF8.GetBytes("pasted-by-hand"), TokenAction.Issue, Reasons.SecretDataChanged),
        ["a new Secret name is re-issued"] = new(w =>
        {
            w.Token.Spec.Secret!.Name = "renamed";
            w.Secret!.Metadata.Name = "renamed";
        }, TokenAction.Issue, Reasons.SpecChanged, "spec.secret.name"),
        ["new accesses update the grants in place"] = new(w => w.Token.Spec.PlanetScale!.Accesses![0].Permissions.Add("create_deploy_request"), TokenAction.UpdateGrants, Reasons.GrantsUpdated, "spec.planetscale.accesses"),
        ["removed accesses update the grants in place"] = new(w => w.Token.Spec.PlanetScale!.Accesses = null, TokenAction.UpdateGrants, Reasons.GrantsUpdated, "pscale_tkn_1"),
        ["reordered accesses change nothing"] = new(w => w.Token.Spec.PlanetScale!.Accesses!.Insert(0, new PlanetScaleAccess { Database = "payments", Permissions = ["read_branch"] }), TokenAction.UpToDate, Reasons.UpToDate),
        ["a new ttl is re-issued"] = new(w => w.Token.Spec.PlanetScale!.Ttl = "2400h", TokenAction.Issue, Reasons.SpecChanged),
        ["a new ttl beats new accesses"] = new(w =>
        {
            w.Token.Spec.PlanetScale!.Ttl = "2400h";
            w.Token.Spec.PlanetScale.Accesses![0].Permissions.Add("create_deploy_request");
        }, TokenAction.Issue, Reasons.SpecChanged),
        ["changed Secret data beats new accesses"] = new(w =>
        {
            w.Token.Spec.PlanetScale!.Accesses![0].Permissions.Add("create_deploy_request");
            w.Secret!.Data["PLANETSCALE_ORG"] = Encoding.UTF8.GetBytes("elsewhere");
        }, TokenAction.Issue, Reasons.SecretDataChanged),
        ["new accesses come before a manual rotation"] = new(w =>
        {
            w.Token.Spec.PlanetScale!.Accesses![0].Permissions.Add("create_deploy_request");
            w.Token.Metadata.Annotations = new Dictionary<string, string> { [SecretLabels.Rotate] = "now" };
        }, TokenAction.UpdateGrants, Reasons.GrantsUpdated),
        ["a legacy request hash of the same request is up to date"] = new(w => w.Token.Status!.RequestHash = TokenRequestHash.Legacy(w.Token.Spec), TokenAction.UpToDate, Reasons.UpToDate),
        ["a legacy request hash and new accesses are re-issued"] = new(w =>
        {
            w.Token.Status!.RequestHash = TokenRequestHash.Legacy(w.Token.Spec);
            w.Token.Spec.PlanetScale!.Accesses![0].Permissions.Add("create_deploy_request");
        }, TokenAction.Issue, Reasons.SpecChanged),
        ["no request hash is re-issued"] = new(w => w.Token.Status!.RequestHash = null, TokenAction.Issue, Reasons.SpecChanged),
        ["another issuer is re-issued"] = new(w => w.Token.Spec.IssuerRef.Name = "acme-2", TokenAction.Issue, Reasons.SpecChanged),
        ["a new rotate annotation rotates"] = new(w => w.Token.Metadata.Annotations = new Dictionary<string, string> { [SecretLabels.Rotate] = "2026-01-15T11:00:00Z" }, TokenAction.Issue, Reasons.ManualRotationRequested),
        ["a rotate annotation already handled does nothing"] = new(w =>
        {
            w.Token.Metadata.Annotations = new Dictionary<string, string> { [SecretLabels.Rotate] = "once" };
            w.Token.Status!.LastRotateRequest = "once";
        }, TokenAction.UpToDate, Reasons.UpToDate),
        ["a due rotation rotates"] = new(w => w.Now = Now + TimeSpan.FromDays(90), TokenAction.Issue, Reasons.RotationDue),
        ["changed data beats a manual rotation"] = new(w =>
        {
            w.Token.Metadata.Annotations = new Dictionary<string, string> { [SecretLabels.Rotate] = "now" };
            w.Secret!.Data["PLANETSCALE_ORG"] = Encoding.UTF8.GetBytes("elsewhere");
        }, TokenAction.Issue, Reasons.SecretDataChanged),
        ["a due rotation beats a due revocation"] = new(w =>
        {
            w.Token.Status!.PendingRevocations = [new PendingRevocation { TokenId = "old", RevokeAt = (Now - TimeSpan.FromMinutes(1)).UtcDateTime }];
            w.Now = Now + TimeSpan.FromDays(90);
        }, TokenAction.Issue, Reasons.RotationDue),

        // Revocation and repair.
        ["a revocation past its grace period revokes"] = new(w => w.Token.Status!.PendingRevocations = [new PendingRevocation { TokenId = "old", RevokeAt = (Now - TimeSpan.FromSeconds(1)).UtcDateTime }], TokenAction.Revoke, Reasons.Revoked),
        ["a revocation within its grace period waits"] = new(w => w.Token.Status!.PendingRevocations = [new PendingRevocation { TokenId = "old", RevokeAt = (Now + TimeSpan.FromMinutes(5)).UtcDateTime }], TokenAction.UpToDate, Reasons.UpToDate),
        ["a removed label is restored"] = new(w => w.Secret!.Metadata.Labels.Remove("team"), TokenAction.RestoreSecret, Reasons.SecretMetadataRestored, "label team"),
        ["a changed annotation is restored"] = new(w => w.Secret!.Metadata.Annotations[SecretLabels.TokenName] = "edited", TokenAction.RestoreSecret, Reasons.SecretMetadataRestored, SecretLabels.TokenName),
        ["a removed ownerReference is restored"] = new(w => w.Secret!.Metadata.OwnerReferences = null, TokenAction.RestoreSecret, Reasons.SecretMetadataRestored, "ownerReference"),
        ["an Orphan Secret needs no ownerReference"] = new(w =>
        {
            w.Token.Spec.Secret!.CreationPolicy = TokenPolicy.CreationOrphan;
            w.Secret!.Metadata.OwnerReferences = null;
        }, TokenAction.UpToDate, Reasons.UpToDate),
        ["a due revocation beats restoring a label"] = new(w =>
        {
            w.Token.Status!.PendingRevocations = [new PendingRevocation { TokenId = "old", RevokeAt = (Now - TimeSpan.FromSeconds(1)).UtcDateTime }];
            w.Secret!.Metadata.Labels.Remove("team");
        }, TokenAction.Revoke, Reasons.Revoked),
        ["a healthy token is up to date"] = new(_ => { }, TokenAction.UpToDate, Reasons.UpToDate, "holds token pscale_tkn_1 (revision 1)"),
    };

    public static TheoryData<string> Scenarios => new(Rows.Keys);

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Decide_OneChangeFromHealthy_GivesTheExpectedActionAndReason(string scenario)
    {
        var row = Rows[scenario];
        var world = new World();
        row.Change(world);

        var decision = ServiceTokenDecision.Decide(world.Inputs());

        Assert.Equal((row.Action, row.Reason), (decision.Action, decision.Reason));
        if (row.Field is not null) Assert.Contains(row.Field, decision.Message, StringComparison.Ordinal);
        // A stall or a wait about the spec starts with the field at fault, as users read it in kubectl.
        if (decision.Action is TokenAction.Stall or TokenAction.Wait) Assert.StartsWith("spec.", decision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_HealthyWorld_IsUpToDate_AndEveryRowChangesSomething()
    {
        // Guards the table: if the baseline were not healthy, the rows above would prove little.
        var decision = ServiceTokenDecision.Decide(new World().Inputs());
        Assert.Equal(TokenAction.UpToDate, decision.Action);
        Assert.NotNull(decision.Policy);
        Assert.Contains(Rows.Values, r => r.Action == TokenAction.UpToDate);
        Assert.Equal(Enum.GetValues<TokenAction>().Order(), Rows.Values.Select(r => r.Action).Distinct().Order());
    }

    [Fact]
    public void Decide_ValidSpec_CarriesThePolicyWithDefaults()
    {
        var world = new World();
        world.Token.Spec.Rotation = null;
        var policy = ServiceTokenDecision.Decide(world.Inputs()).Policy!;
        Assert.Equal(TokenPolicy.DefaultEvery, policy.Every);
        Assert.Equal(TokenPolicy.DefaultGracePeriod, policy.GracePeriod);
        Assert.True(policy.RevokeOnDelete);
        Assert.Equal("api-planetscale", policy.SecretName);
    }

    [Fact]
    public void Decide_GracePeriodZero_IsAccepted()
    {
        var world = new World();
        world.Token.Spec.Rotation = new RotationSpec { GracePeriod = "0s" };
        var decision = ServiceTokenDecision.Decide(world.Inputs());
        Assert.Equal(TimeSpan.Zero, decision.Policy!.GracePeriod);
    }

    [Fact]
    public void NextWake_EarliestOfRotationAndRevocations()
    {
        var status = new ServiceTokenStatus
        {
            NextRotationAt = (Now + TimeSpan.FromDays(1)).UtcDateTime,
            PendingRevocations = [new PendingRevocation { TokenId = "a", RevokeAt = (Now + TimeSpan.FromMinutes(10)).UtcDateTime }],
        };
        Assert.Equal(Now + TimeSpan.FromMinutes(10), ServiceTokenDecision.NextWake(status));
        Assert.Null(ServiceTokenDecision.NextWake(new ServiceTokenStatus()));
        Assert.Null(ServiceTokenDecision.NextWake(null));
    }

    [Fact]
    public void RevisionOf_NonNumericOrSignedRevision_IsZero()
    {
        var secret = HealthySecret(HealthyToken());
        secret.Metadata.Annotations[SecretLabels.Revision] = "-3";
        Assert.Equal(0, ServiceTokenDecision.RevisionOf(secret));
        secret.Metadata.Annotations[SecretLabels.Revision] = "7";
        Assert.Equal(7, ServiceTokenDecision.RevisionOf(secret));
    }

    private static ServiceToken HealthyToken()
    {
        var token = new ServiceToken
        {
            Metadata = new V1ObjectMeta
            {
                Name = "api", NamespaceProperty = "apps", Uid = "uid-api", Generation = 1,
                Finalizers = [SecretLabels.Finalizer],
            },
            Spec = new ServiceTokenSpec
            {
                IssuerRef = new IssuerReference { Kind = ClusterTokenIssuer.KindName, Name = "acme" },
                PlanetScale = new PlanetScaleTokenRequest { Accesses = [new PlanetScaleAccess { Database = "payments", Permissions = ["read_branch"] }] },
                Secret = new SecretTarget { Name = "api-planetscale", Template = new SecretTemplate { Labels = new() { ["team"] = "payments" } } },
            },
        };
        token.Status = new ServiceTokenStatus
        {
            Revision = 1,
            TokenId = "pscale_tkn_1",
            TokenName = "st-c1-apps-api-r1",
            IssuedAt = IssuedAt.UtcDateTime,
            NextRotationAt = (IssuedAt + TimeSpan.FromDays(89)).UtcDateTime,
            SecretName = "api-planetscale",
            SecretMac = Mac.Compute(HealthyData()),
            RequestHash = TokenRequestHash.Of(token.Spec),
        };
        return token;
    }

    private static Dictionary<string, string> HealthyData() => new()
    {
        ["PLANETSCALE_SERVICE_TOKEN_ID"] = "pscale_tkn_1",
        ["PLANETSCALE_SERVICE_TOKEN"] = "pscale_tkn_value",
        ["PLANETSCALE_ORG"] = "acme",
    };

    private static V1Secret HealthySecret(ServiceToken token)
    {
        var policy = TokenPolicy.From(token, TimeSpan.FromHours(1)).Policy!;
        var record = new SecretBuilder.Record("pscale_tkn_1", "st-c1-apps-api-r1", 1, IssuedAt, null);
        return SecretBuilder.Build(token, policy, record, HealthyData());
    }

    private static ResolvedIssuer ClusterIssuer(params ClusterIssuerCondition[] conditions) => ClusterIssuer(true, conditions);

    private static ResolvedIssuer ClusterIssuer(bool ready, params ClusterIssuerCondition[] conditions)
    {
        var spec = new ClusterTokenIssuerSpec
        {
            PlanetScale = new PlanetScaleIssuer { Organization = "acme" },
            CredentialsSecretRef = new SecretReference { Name = "acme-credentials" },
            Conditions = conditions.Length == 0 ? null : [.. conditions],
        };
        var status = new TokenIssuerStatus
        {
            ObservedGeneration = 2,
            Conditions = ready ? [new V1Condition { Type = ConditionTypes.Ready, Status = "True", Reason = Reasons.CredentialValid, Message = "ok" }] : null,
        };
        return new ResolvedIssuer(ClusterTokenIssuer.KindName, "acme", null, "uid-acme", 2, spec, Vendors.PlanetScale, status);
    }

    private static ClusterIssuerCondition Selector(string key, string value) =>
        new() { NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [key] = value } } };

    private static SecretTemplate Template(World world) => world.Token.Spec.Secret!.Template!;
}
