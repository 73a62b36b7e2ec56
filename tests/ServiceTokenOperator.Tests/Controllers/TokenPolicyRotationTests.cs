using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;

namespace ServiceTokenOperator.Tests.Controllers;

/// <summary>When a token issued at a given time is rotated: period, schedule, vendor lifetime, jitter.</summary>
public sealed class TokenPolicyRotationTests
{
    private static readonly DateTimeOffset IssuedAt = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static TokenPolicy Policy(RotationSpec? rotation)
    {
        var token = new ServiceToken
        {
            Metadata = new V1ObjectMeta { Name = "t", NamespaceProperty = "apps", Uid = "u" },
            Spec = new ServiceTokenSpec { IssuerRef = new IssuerReference { Kind = "ClusterTokenIssuer", Name = "i" }, Rotation = rotation },
        };
        var (policy, problem) = TokenPolicy.From(token, TimeSpan.FromHours(1));
        Assert.Null(problem);
        return policy!;
    }

    [Theory]
    [InlineData(null, 2160)]
    [InlineData("24h", 24)]
    public void NextRotation_Period_IsThePeriodMinusAtMostOnePercentJitter(string? every, int hours)
    {
        var period = TimeSpan.FromHours(hours);
        var next = Policy(new RotationSpec { Every = every }).NextRotation(IssuedAt, null, "uid-1");

        Assert.InRange(next, IssuedAt + period - TimeSpan.FromMinutes(10), IssuedAt + period);
        Assert.True(IssuedAt + period - next <= period / 100);
    }

    [Fact]
    public void NextRotation_VendorLifetimeShorterThanThePeriod_RotatesByTwoThirdsOfIt()
    {
        var expires = IssuedAt + TimeSpan.FromHours(30);

        var next = Policy(new RotationSpec { Every = "720h" }).NextRotation(IssuedAt, expires, "uid-1");

        Assert.InRange(next, IssuedAt + TimeSpan.FromHours(20) - TimeSpan.FromMinutes(10), IssuedAt + TimeSpan.FromHours(20));
    }

    [Fact]
    public void NextRotation_Schedule_IsTheNextFireInItsZone()
    {
        var next = Policy(new RotationSpec { Schedule = "0 9 * * 1", TimeZone = "Europe/Berlin" }).NextRotation(IssuedAt, null, "uid-1");

        // 2026-11-23 is a Monday after 09:00 CET: the next fire is Monday 2026-11-30 08:00 UTC, less the jitter.
        var fire = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
        Assert.InRange(next, fire - TimeSpan.FromMinutes(10), fire);
    }

    [Fact]
    public void NextRotation_Jitter_IsStablePerUidAndDiffersBetweenUids()
    {
        var policy = Policy(new RotationSpec { Every = "2160h" });

        var times = Enumerable.Range(0, 20).Select(i => policy.NextRotation(IssuedAt, null, $"uid-{i}")).ToList();

        Assert.Equal(times[3], policy.NextRotation(IssuedAt, null, "uid-3"));
        Assert.True(times.Distinct().Count() >= 18, "tokens applied together should not rotate together");
    }
}
