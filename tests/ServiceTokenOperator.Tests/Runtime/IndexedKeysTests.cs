using ServiceTokenOperator.Runtime;

namespace ServiceTokenOperator.Tests.Runtime;

public sealed class IndexedKeysTests
{
    private static readonly ObjectKey A = new("apps", "a");
    private static readonly ObjectKey B = new("apps", "b");
    private static readonly ObjectKey C = new("apps", "c");

    [Fact]
    public void New_IsEmpty()
    {
        var keys = default(IndexedKeys);

        Assert.True(keys.IsEmpty);
        Assert.Empty(keys.Keys);
    }

    [Fact]
    public void Add_OneKeyTwice_HoldsItOnce()
    {
        var keys = default(IndexedKeys);
        keys.Add(A);
        keys.Add(A);

        Assert.Equal([A], keys.Keys);
    }

    [Fact]
    public void Add_SeveralKeys_HoldsAll()
    {
        var keys = default(IndexedKeys);
        keys.Add(A);
        keys.Add(B);
        keys.Add(C);

        Assert.Equal([A, B, C], keys.Keys.Order(Comparer<ObjectKey>.Create((x, y) => string.CompareOrdinal(x.Name, y.Name))));
    }

    [Fact]
    public void Remove_TheOnlyKey_LeavesItEmpty()
    {
        var keys = default(IndexedKeys);
        keys.Add(A);

        Assert.False(keys.Remove(B));
        Assert.True(keys.Remove(A));
        Assert.True(keys.IsEmpty);
        Assert.False(keys.Remove(A));
    }

    [Fact]
    public void Remove_FromSeveral_KeepsTheOthersUntilTheLastGoes()
    {
        var keys = default(IndexedKeys);
        keys.Add(A);
        keys.Add(B);

        Assert.True(keys.Remove(A));
        Assert.False(keys.IsEmpty);
        Assert.Equal([B], keys.Keys);
        Assert.True(keys.Remove(B));
        Assert.True(keys.IsEmpty);
    }
}
