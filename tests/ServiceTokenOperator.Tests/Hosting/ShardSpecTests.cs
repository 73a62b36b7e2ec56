using ServiceTokenOperator.Hosting;

namespace ServiceTokenOperator.Tests.Hosting;

public sealed class ShardSpecTests
{
    [Fact]
    public void Owns_EveryTokenAcrossThreeShards_ExactlyOneShardOwnsIt()
    {
        var shards = Enumerable.Range(0, 3).Select(i => new ShardSpec(i, 3)).ToList();
        var perShard = new int[3];

        for (var i = 0; i < 3000; i++)
        {
            var owners = shards.Where(s => s.Owns($"ns-{i % 7}", $"token-{i}")).ToList();
            var owner = Assert.Single(owners);
            perShard[owner.Index]++;
        }

        // A usable spread, not a degenerate hash: each shard gets a fair part.
        Assert.All(perShard, n => Assert.InRange(n, 800, 1200));
    }

    [Fact]
    public void Of_SameTokenTwice_SameShard()
    {
        Assert.Equal(ShardSpec.Of("payments", "ci-deployer", 5), ShardSpec.Of("payments", "ci-deployer", 5));
    }

    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("3/4", 3, 4)]
    public void TryParse_ValidText_Parses(string text, int index, int count)
    {
        Assert.True(ShardSpec.TryParse(text, out var shard));
        Assert.Equal(new ShardSpec(index, count), shard);
        Assert.Equal(text, shard!.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("1/1")]
    [InlineData("-1/2")]
    [InlineData("a/b")]
    [InlineData("0/2/3")]
    public void TryParse_InvalidText_Fails(string text) => Assert.False(ShardSpec.TryParse(text, out _));
}
