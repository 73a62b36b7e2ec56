using ServiceTokenOperator.Observability;
using Xunit.Abstractions;

namespace ServiceTokenOperator.Tests.Observability;

/// <summary>Measures the managed heap, so it runs alone: other tests' allocations would count.</summary>
[Collection(nameof(TokenSeriesMemoryTests))]
[CollectionDefinition(nameof(TokenSeriesMemoryTests), DisableParallelization = true)]
public sealed class TokenSeriesMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Scrape_TenThousandTokens_KeepsNothingPerTokenBetweenScrapes()
    {
        // As OpenTelemetry series these kept ≈ 21 MB after plain scrapes and ≈ 31 MB once OpenMetrics was scraped
        // too (a metric point and tag lookups per series, the exporter's response buffer per format), for good.
        var rows = TokenSeriesMiddlewareTests.Tokens(10_000);
        var attached = new List<TokenGaugeRow>();
        await using var pipeline = new ScrapePipeline($"memory-{Guid.NewGuid():N}");
        pipeline.Metrics.ObserveTokens(() => attached);
        await ScrapeBothFormatsAsync(pipeline);
        GC.GetTotalMemory(forceFullCollection: true);
        var before = GC.GetTotalMemory(forceFullCollection: true);

        attached.AddRange(rows);
        var lines = await ScrapeBothFormatsAsync(pipeline);
        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;

        output.WriteLine($"{lines} lines scraped; {retained / 1048576.0:F2} MB retained");
        Assert.True(lines > 80_000, $"{lines} lines");
        Assert.True(retained < 3 * 1048576, $"{retained / 1048576.0:F2} MB retained after scraping 10,000 tokens");
        GC.KeepAlive(rows);
    }

    private static async Task<int> ScrapeBothFormatsAsync(ScrapePipeline pipeline)
    {
        var lines = 0;
        foreach (var accept in new[] { null, "application/openmetrics-text; version=1.0.0" })
        {
            // A sink that keeps nothing: a buffered body would be the largest thing on the heap.
            await using var sink = new LineCountingStream();
            await pipeline.ScrapeAsync(sink, accept);
            lines += sink.Lines;
        }

        return lines;
    }
}
