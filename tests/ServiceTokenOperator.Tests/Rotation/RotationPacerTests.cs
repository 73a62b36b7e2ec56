using ServiceTokenOperator.Rotation;
using ServiceTokenOperator.Runtime;

namespace ServiceTokenOperator.Tests.Rotation;

public sealed class RotationPacerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Spacing = TimeSpan.FromSeconds(2);

    private static ObjectKey Key(int i) => new("apps", $"token-{i}");

    [Fact]
    public void Reserve_NotYetDue_AnswersTheDueTimeWithoutTakingASlot()
    {
        var pacer = new RotationPacer();
        var due = Now.AddMinutes(5);

        Assert.Equal(due, pacer.Reserve("issuer", Key(1), due, Now, Spacing));
        Assert.Equal(Now, pacer.Reserve("issuer", Key(2), Now.AddHours(-1), Now, Spacing));
    }

    [Fact]
    public void Reserve_AWaveOfOverdueTokens_GetsSlotsOneSpacingApart()
    {
        var pacer = new RotationPacer();

        var slots = Enumerable.Range(0, 5).Select(i => pacer.Reserve("issuer", Key(i), Now.AddDays(-3), Now, Spacing)).ToList();

        Assert.Equal(Enumerable.Range(0, 5).Select(i => Now + (Spacing * i)), slots);
    }

    [Fact]
    public void Reserve_AskedAgain_AnswersTheSameSlot()
    {
        var pacer = new RotationPacer();
        pacer.Reserve("issuer", Key(1), Now.AddHours(-1), Now, Spacing);
        var second = pacer.Reserve("issuer", Key(2), Now.AddHours(-1), Now, Spacing);

        Assert.Equal(second, pacer.Reserve("issuer", Key(2), Now.AddHours(-1), Now.AddSeconds(1), Spacing));
    }

    [Fact]
    public void Reserve_DifferentIssuers_DoNotWaitForEachOther()
    {
        var pacer = new RotationPacer();

        var a = pacer.Reserve("planetscale-a", Key(1), Now.AddHours(-1), Now, Spacing);
        var b = pacer.Reserve("planetscale-b", Key(2), Now.AddHours(-1), Now, Spacing);

        Assert.Equal(Now, a);
        Assert.Equal(Now, b);
    }

    [Fact]
    public void Release_FreesTheSlotForTheNextToken()
    {
        var pacer = new RotationPacer();
        pacer.Reserve("issuer", Key(1), Now.AddHours(-1), Now, Spacing);
        pacer.Release(Key(1));

        Assert.Equal(Now, pacer.Reserve("issuer", Key(2), Now.AddHours(-1), Now, Spacing));
    }

    [Fact]
    public void Reserve_SlotsLongPast_NoLongerPushNewOnesBack()
    {
        var pacer = new RotationPacer();
        pacer.Reserve("issuer", Key(1), Now.AddHours(-1), Now, Spacing);
        var later = Now.AddMinutes(10);

        Assert.Equal(later, pacer.Reserve("issuer", Key(2), Now.AddHours(-1), later, Spacing));
    }

    [Fact]
    public void Clear_ForgetsEveryReservation()
    {
        var pacer = new RotationPacer();
        pacer.Reserve("issuer", Key(1), Now.AddHours(-1), Now, Spacing);
        pacer.Clear();

        Assert.Equal(Now, pacer.Reserve("issuer", Key(2), Now.AddHours(-1), Now, Spacing));
    }

    [Fact]
    public void HeldFor_AfterA429_HoldsEveryTokenOfThatIssuerUntilRetryAfter_AndNoOther()
    {
        var pacer = new RotationPacer();
        pacer.Hold("issuer", Now.AddSeconds(30));

        Assert.Equal(TimeSpan.FromSeconds(20), pacer.HeldFor("issuer", Now.AddSeconds(10)));
        Assert.Null(pacer.HeldFor("other", Now.AddSeconds(10)));
        Assert.Null(pacer.HeldFor("issuer", Now.AddSeconds(30)));
    }

    [Fact]
    public void Hold_AnEarlierRetryAfter_DoesNotShortenTheHold()
    {
        var pacer = new RotationPacer();
        pacer.Hold("issuer", Now.AddSeconds(30));
        pacer.Hold("issuer", Now.AddSeconds(5));

        Assert.Equal(TimeSpan.FromSeconds(30), pacer.HeldFor("issuer", Now));
    }
}
