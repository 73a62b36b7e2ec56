using System.Runtime.InteropServices;
using ServiceTokenOperator.Hosting;

namespace ServiceTokenOperator.Tests.Hosting;

/// <summary>Reads the process's RSS, so it runs alone: other tests' allocations would count.</summary>
[Collection(nameof(NativeHeapTests))]
[CollectionDefinition(nameof(NativeHeapTests), DisableParallelization = true)]
public sealed class NativeHeapTests
{
    private const int Block = 64 * 1024; // below glibc's mmap threshold: served from an arena, not mmap
    private const int Blocks = 512;

    [Fact]
    public void Trim_FreedBlocksBetweenLiveOnes_ReturnsTheirPagesToTheOs()
    {
        Assert.True(OperatingSystem.IsLinux(), "the operator's images are Linux with glibc");
        var blocks = new nint[Blocks];
        try
        {
            for (var i = 0; i < Blocks; i++)
            {
                blocks[i] = Marshal.AllocHGlobal(Block);
                Fill(blocks[i]);
            }

            // Every other block freed: 16 MB of holes that free() cannot give back, since live blocks sit above them.
            for (var i = 0; i < Blocks; i += 2)
            {
                Marshal.FreeHGlobal(blocks[i]);
                blocks[i] = 0;
            }

            var before = RssAnonKb();
            Assert.True(NativeHeap.Trim());
            var released = before - RssAnonKb();
            Assert.True(released > Blocks / 2 * Block / 1024 / 2, $"released {released} KB of {Blocks / 2 * Block / 1024} KB freed");
        }
        finally
        {
            foreach (var block in blocks.Where(b => b != 0)) Marshal.FreeHGlobal(block);
        }
    }

    private static void Fill(nint block)
    {
        for (var offset = 0; offset < Block; offset += 4096) Marshal.WriteByte(block, offset, 1);
    }

    private static long RssAnonKb() =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("RssAnon:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
}
