using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using OpenTelemetry.Metrics;
using ServiceTokenOperator.Observability;

namespace ServiceTokenOperator.Tests.Observability;

public sealed class TokenSeriesMiddlewareTests
{
    private const string OpenMetrics = "application/openmetrics-text; version=1.0.0";

    private static readonly TokenGaugeRow[] Hostile =
    [
        new("ns", "quoted", "TokenIssuer/a\"b", "planetscale", true, 1795420391.514763, 1795500000.25, 1795420690.39914),
        new("ns", "slashed", "TokenIssuer/a\\b", "upsun", false, 1795420391, null, null),
        new("ns", "broken", "TokenIssuer/a\nb", "akka", false, null, null, null),
        new("ns-é", "unicode-—🙂", "ClusterTokenIssuer/acme", "", true, 0.1, 1e21, 12),
    ];

    [Theory]
    [InlineData(null)]
    [InlineData("text/plain; version=0.0.4")]
    [InlineData("text/plain; version=1.0.0")]
    [InlineData(OpenMetrics)]
    [InlineData("application/openmetrics-text; version=0.0.1")]
    [InlineData("application/openmetrics-text; version=1.0.0; escaping=allow-utf-8")]
    public async Task Scrape_SameTokensAsTheOpenTelemetryGaugesHad_IdenticalFamilies(string? accept)
    {
        // Today's families against the mechanism they replaced, rebuilt here: ObservableGauges read at collection,
        // with the series limit raised past 2,000, rendered by the real exporter for the same Accept.
        var meterName = $"equivalence-{Guid.NewGuid():N}";
        var rows = Hostile.Concat(Tokens(2_100)).ToList();
        using var legacy = new Meter(meterName);
        foreach (var family in OperatorMetrics.TokenGauges)
        {
            legacy.CreateObservableGauge(family.Name, () => rows.Where(r => family.Value(r) is not null).Select(r => new Measurement<double>(family.Value(r)!.Value,
                new TagList { { "namespace", r.Namespace }, { "name", r.Name }, { "issuer", r.Issuer }, { "vendor", r.Vendor } })), unit: null, family.Help);
        }

        await using var before = new ScrapePipeline(meterName, tokenSeries: false,
            m => m.AddView(i => i.Meter == legacy ? new MetricStreamConfiguration { CardinalityLimit = 20_000 } : MetricStreamConfiguration.Drop));
        await using var after = new ScrapePipeline(meterName, tokenSeries: true, m => m.AddView(i => i.Meter == legacy ? MetricStreamConfiguration.Drop : null));
        after.Metrics.ObserveTokens(() => rows);

        var expected = Families(await before.ScrapeTextAsync(accept));
        var actual = Families(await after.ScrapeTextAsync(accept));

        foreach (var family in OperatorMetrics.TokenGauges) Assert.Equal(expected[family.Name], actual[family.Name]);
        Assert.Equal(2_104, actual[OperatorMetrics.ReadyStatus].Count(c => c == '\n') - 2);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(OpenMetrics)]
    public async Task Scrape_TokensAndAggregates_FamiliesInTheExportersOrderTargetInfoFirstThenByName(string? accept)
    {
        await using var pipeline = Pipeline(Tokens(3));
        pipeline.Metrics.RecordRotation("akka");
        pipeline.Metrics.RecordReconcile("servicetoken", "done", TimeSpan.FromMilliseconds(5), waits: null);

        var names = Regex.Matches(await pipeline.ScrapeTextAsync(accept), "^# TYPE (\\S+) ", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();

        Assert.StartsWith("target", names[0], StringComparison.Ordinal);
        Assert.Equal(names.Skip(1).Order(StringComparer.Ordinal), names.Skip(1));
        Assert.Subset(names.ToHashSet(), OperatorMetrics.TokenGauges.Select(f => f.Name).ToHashSet());
        Assert.Contains(names, n => n.StartsWith(OperatorMetrics.ReconcileDuration, StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("servicetoken_rotations", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(OpenMetrics)]
    public async Task Scrape_SixThousandTokens_EveryTokenInEveryFamilyNoCap(string? accept)
    {
        await using var pipeline = Pipeline(Tokens(6_000));

        var text = await pipeline.ScrapeTextAsync(accept);

        foreach (var family in OperatorMetrics.TokenGauges)
        {
            var names = Regex.Matches(text, $"^{family.Name}\\{{[^}}]*,name=\"(t\\d+)\"", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();
            Assert.Equal(6_000, names.Count);
        }
    }

    [Fact]
    public async Task Scrape_OpenMetrics_TokenFamiliesBeforeTheOneClosingEof()
    {
        await using var pipeline = Pipeline(Tokens(2));
        using var body = new MemoryStream();

        var response = await pipeline.ScrapeAsync(body, accept: OpenMetrics);

        var text = Encoding.UTF8.GetString(body.ToArray());
        Assert.StartsWith("application/openmetrics-text; version=1.0.0", response.ContentType, StringComparison.Ordinal);
        Assert.EndsWith($"vendor=\"akka\"}} 1\n# EOF\n", text, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(text, "^# EOF", RegexOptions.Multiline));
    }

    [Fact]
    public async Task Scrape_PlainText_NoEof()
    {
        await using var pipeline = Pipeline(Tokens(2));
        using var body = new MemoryStream();

        var response = await pipeline.ScrapeAsync(body);

        Assert.StartsWith("text/plain; version=0.0.4", response.ContentType, StringComparison.Ordinal);
        Assert.DoesNotContain("# EOF", Encoding.UTF8.GetString(body.ToArray()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(OpenMetrics)]
    public async Task Scrape_GzipAccepted_WholeResponseCompressedOnce(string? accept)
    {
        await using var pipeline = Pipeline(Tokens(2));
        var plain = await pipeline.ScrapeTextAsync(accept);
        using var body = new MemoryStream();

        var response = await pipeline.ScrapeAsync(body, accept, acceptEncoding: "gzip, deflate");

        Assert.Equal("gzip", response.Headers.ContentEncoding.ToString());
        Assert.Contains("Accept-Encoding", response.Headers.Vary.ToString(), StringComparison.Ordinal);
        body.Position = 0;
        await using var unzip = new GZipStream(body, CompressionMode.Decompress);
        using var reader = new StreamReader(unzip, Encoding.UTF8);
        Assert.Equal(plain, await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task Scrape_NoTokens_NoTokenFamiliesAndTheExportersTextUnchanged()
    {
        var meterName = $"no-tokens-{Guid.NewGuid():N}";
        await using var with = new ScrapePipeline(meterName, tokenSeries: true);
        await using var without = new ScrapePipeline(meterName, tokenSeries: false);

        var text = await with.ScrapeTextAsync();

        Assert.DoesNotContain("servicetoken_ready_status", text, StringComparison.Ordinal);
        Assert.Equal(Regex.Replace(await without.ScrapeTextAsync(), "_created\\{.*\n", ""), Regex.Replace(text, "_created\\{.*\n", ""));
    }

    private static ScrapePipeline Pipeline(IReadOnlyList<TokenGaugeRow> rows)
    {
        var pipeline = new ScrapePipeline($"token-series-{Guid.NewGuid():N}");
        pipeline.Metrics.ObserveTokens(() => rows);
        return pipeline;
    }

    internal static IReadOnlyList<TokenGaugeRow> Tokens(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new TokenGaugeRow($"team-{i % 50}", $"t{i}", "ClusterTokenIssuer/acme", "akka", true,
            1795420391.514763 + i, 1795500000.5 + i, 1795450000.25 + i))];

    /// <summary>Each family's text, from its # TYPE line to the next family or # EOF.</summary>
    private static Dictionary<string, string> Families(string text) =>
        Regex.Matches(text, "^# TYPE (\\S+) [\\s\\S]*?(?=^# TYPE |^# EOF|\\z)", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Value);
}
