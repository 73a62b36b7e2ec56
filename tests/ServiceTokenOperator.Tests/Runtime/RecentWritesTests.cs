using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Runtime;
using static ServiceTokenOperator.Tests.Runtime.TestObjects;

namespace ServiceTokenOperator.Tests.Runtime;

public sealed class RecentWritesTests
{
    private static readonly ObjectKey A = new("apps", "a");
    private readonly RecentWrites<ServiceToken> _writes = new();

    [Fact]
    public void Resolve_CacheStillAtTheVersionWrittenOver_ReturnsOurWrite()
    {
        _writes.Record(A, "5", Token("a", "6"));

        Assert.Equal("6", _writes.Resolve(A, Token("a", "5"))!.Metadata.ResourceVersion);
    }

    [Fact]
    public void Resolve_CacheMovedOn_ReturnsTheCacheAndForgetsOurWrite()
    {
        _writes.Record(A, "5", Token("a", "6"));

        Assert.Equal("7", _writes.Resolve(A, Token("a", "7"))!.Metadata.ResourceVersion);
        Assert.Equal("5", _writes.Resolve(A, Token("a", "5"))!.Metadata.ResourceVersion);
    }

    [Fact]
    public void Resolve_TwoWritesTheCacheHasNotShown_ReturnsTheLastWhileTheCacheIsAtEitherOlderVersion()
    {
        // A finalizer patch over 5, then a status write over that patch (6), in one reconcile.
        _writes.Record(A, "5", Token("a", "6"));
        _writes.Record(A, "6", Token("a", "7"));

        Assert.Equal("7", _writes.Resolve(A, Token("a", "5"))!.Metadata.ResourceVersion);
        Assert.Equal("7", _writes.Resolve(A, Token("a", "6"))!.Metadata.ResourceVersion);
        Assert.Equal("7", _writes.Resolve(A, Token("a", "7"))!.Metadata.ResourceVersion);
    }

    [Fact]
    public void Resolve_ObjectTheCacheDidNotHold_ReturnsOurWriteUntilTheCacheHasIt()
    {
        // A Secret someone else created that the write made ours: the cache of ours had nothing under that name.
        _writes.Record(A, null, Token("a", "9"));

        Assert.Equal("9", _writes.Resolve(A, null)!.Metadata.ResourceVersion);
        Assert.Equal("9", _writes.Resolve(A, Token("a", "9"))!.Metadata.ResourceVersion);
    }

    [Fact]
    public void Resolve_DeletedByUs_IsAbsentWhileTheCacheStillShowsIt()
    {
        _writes.Record(A, "5", null);

        Assert.Null(_writes.Resolve(A, Token("a", "5")));
        Assert.Null(_writes.Resolve(A, null));
    }
}
