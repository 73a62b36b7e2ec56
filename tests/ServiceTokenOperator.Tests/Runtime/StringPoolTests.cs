using ServiceTokenOperator.Runtime;

namespace ServiceTokenOperator.Tests.Runtime;

public sealed class StringPoolTests
{
    // A string equal to value but not the same instance, as a deserializer makes it.
    private static string Fresh(string value) => new(value.AsSpan());

    [Fact]
    public void Share_EqualStringsOfDifferentInstances_ReturnsTheFirstInstance()
    {
        var pool = new StringPool(8);
        var first = Fresh("servicetoken.dev/revoke");
        var second = Fresh("servicetoken.dev/revoke");

        Assert.Same(first, pool.Share(first));
        Assert.Same(first, pool.Share(second));
        Assert.Equal(1, pool.Count);
    }

    [Fact]
    public void Share_PoolAtCapacity_ReturnsNewStringsAsTheyAreAndStopsGrowing()
    {
        var pool = new StringPool(2);
        pool.Share(Fresh("a"));
        pool.Share(Fresh("b"));
        var third = Fresh("c");

        Assert.Same(third, pool.Share(third));
        Assert.NotSame(third, pool.Share(Fresh("c")));
        Assert.Equal(2, pool.Count);
    }

    [Fact]
    public void Share_PoolAtCapacity_StillReturnsThePooledInstances()
    {
        var pool = new StringPool(1);
        var pooled = pool.Share(Fresh("Opaque"));
        pool.Share(Fresh("other"));

        Assert.Same(pooled, pool.Share(Fresh("Opaque")));
    }

    [Fact]
    public void Share_NullAndEmpty_ReturnNullAndStringEmptyWithoutTakingASlot()
    {
        var pool = new StringPool(1);

        Assert.Null(pool.Share(null));
        Assert.Same(string.Empty, pool.Share(Fresh("")));
        Assert.Equal(0, pool.Count);
    }

    [Fact]
    public void Share_ConcurrentCallersWithMoreStringsThanCapacity_HoldExactlyCapacityAndOneInstanceEach()
    {
        var pool = new StringPool(100);
        var values = Enumerable.Range(0, 1000).Select(i => $"value-{i % 300}").ToArray();
        var results = new string[values.Length];

        Parallel.For(0, values.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => results[i] = pool.Share(values[i]));

        Assert.Equal(100, pool.Count);
        // Every value the pool took is answered with one instance, whoever asked first.
        var pooled = results.Where((r, i) => ReferenceEquals(r, pool.Share(Fresh(values[i])))).Distinct().ToArray();
        Assert.Equal(100, pooled.Length);
        Assert.All(results, (r, i) => Assert.Equal(values[i], r));
    }
}
