using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Providers;
using ServiceTokenOperator.Secrets;
using ServiceTokenOperator.Sweep;

namespace ServiceTokenOperator.Tests.Sweep;

public sealed class OrphanSelectionTests
{
    private const string Cluster = "abc";
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);
    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>One vendor token and what the sweep must make of it; ages are minutes before now.</summary>
    public static TheoryData<string, string?, double, double?, bool, string> Rows => new()
    {
        // description, name, created minutes ago, first seen minutes ago, referenced, verdict
        { "another cluster's token in the same account is never touched", "st-xyz-default-app-r1", 600, null, false, nameof(OrphanVerdict.NotOurs) },
        { "a cluster id that merely starts like ours is another cluster", "st-abcd-default-app-r1", 600, null, false, nameof(OrphanVerdict.NotOurs) },
        { "a token a person made is never touched", "ci-deployer", 600, null, false, nameof(OrphanVerdict.NotOurs) },
        { "a token without a name is never touched", null, 600, null, false, nameof(OrphanVerdict.NotOurs) },
        { "a referenced token is alive however old", "st-abc-default-app-r1", 600, null, true, nameof(OrphanVerdict.Referenced) },
        { "a referenced young token is alive", "st-abc-default-app-r2", 0, null, true, nameof(OrphanVerdict.Referenced) },
        { "an unreferenced token created a moment ago may have its Secret write in flight", "st-abc-default-app-r3", 1, null, false, nameof(OrphanVerdict.TooYoung) },
        { "one second short of the window is still too young", "st-abc-default-app-r3", 10 - (1.0 / 60), null, false, nameof(OrphanVerdict.TooYoung) },
        { "exactly the window old is an orphan", "st-abc-default-app-r3", 10, null, false, nameof(OrphanVerdict.Orphan) },
        { "an old unreferenced token of this cluster is an orphan", "st-abc-default-app-r1", 600, 60, false, nameof(OrphanVerdict.Orphan) },
        { "a creation time in the future counts from the first sighting", "st-abc-default-app-r1", -30, 0, false, nameof(OrphanVerdict.TooYoung) },
        { "no creation time (reported as now) on first sight is too young", "st-abc-default-app-r1", 0, 0, false, nameof(OrphanVerdict.TooYoung) },
        { "no creation time, but first seen long enough ago, is an orphan", "st-abc-default-app-r1", 0, 11, false, nameof(OrphanVerdict.Orphan) },
        { "no creation time, first seen within the window, is too young", "st-abc-default-app-r1", 0, 9, false, nameof(OrphanVerdict.TooYoung) },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Judge_Row_GivesVerdict(string description, string? name, double createdMinutesAgo, double? firstSeenMinutesAgo, bool referenced, string verdict)
    {
        _ = description;
        var expected = Enum.Parse<OrphanVerdict>(verdict);
        var now = Time.GetUtcNow();
        var token = new VendorToken("id-1", name, now - TimeSpan.FromMinutes(createdMinutesAgo));
        var firstSeen = firstSeenMinutesAgo is { } seen ? new Dictionary<string, DateTimeOffset> { ["id-1"] = now - TimeSpan.FromMinutes(seen) } : [];
        var inputs = new OrphanSweepInputs(Cluster, [token], referenced ? new HashSet<string> { "id-1" } : [], firstSeen, now, Window);

        Assert.Equal(expected, OrphanSelection.Judge(token, inputs));
        Assert.Equal(expected == OrphanVerdict.Orphan, OrphanSelection.Select(inputs).Contains(token));
    }

    [Fact]
    public void Select_TwoClustersShareAnAccount_ReturnsOnlyThisClustersUnreferencedOldTokens()
    {
        var now = Time.GetUtcNow();
        var old = now - TimeSpan.FromHours(2);
        VendorToken[] listed =
        [
            new("mine-orphan", "st-abc-payments-api-r1", old),
            new("mine-live", "st-abc-payments-api-r2", old),
            new("mine-young", "st-abc-payments-api-r3", now - TimeSpan.FromSeconds(5)),
            new("theirs-orphan", "st-def-payments-api-r1", old),
            new("admin", "sandbox-admin", old),
        ];
        var inputs = new OrphanSweepInputs(Cluster, listed, new HashSet<string> { "mine-live" }, new Dictionary<string, DateTimeOffset>(), now, Window);

        Assert.Equal(["mine-orphan"], OrphanSelection.Select(inputs).Select(t => t.TokenId));
        var theirs = inputs with { ClusterId = "def", ReferencedTokenIds = new HashSet<string>() };
        Assert.Equal(["theirs-orphan"], OrphanSelection.Select(theirs).Select(t => t.TokenId));
    }

    [Fact]
    public void Referenced_StatusTokenPendingRevocationsAndSecretAnnotations_AreAllReferences()
    {
        var token = new ServiceToken
        {
            Metadata = new V1ObjectMeta { Name = "a", NamespaceProperty = "apps" },
            Status = new ServiceTokenStatus
            {
                TokenId = "current",
                PendingRevocations = [new PendingRevocation { TokenId = "old", RevokeAt = Time.GetUtcNow().UtcDateTime }],
            },
        };
        var unissued = new ServiceToken { Metadata = new V1ObjectMeta { Name = "b", NamespaceProperty = "apps" } };
        var secret = new V1Secret { Metadata = new V1ObjectMeta { Name = "s", Annotations = new Dictionary<string, string> { [SecretLabels.TokenId] = "held" } } };
        var bare = new V1Secret { Metadata = new V1ObjectMeta { Name = "t" } };

        var referenced = OrphanSelection.Referenced([token, unissued], [secret, bare]);

        Assert.Equal(["current", "held", "old"], referenced.Order(StringComparer.Ordinal));
    }
}
