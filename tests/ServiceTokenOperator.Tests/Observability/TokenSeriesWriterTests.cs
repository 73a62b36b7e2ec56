using System.Text;
using ServiceTokenOperator.Observability;

namespace ServiceTokenOperator.Tests.Observability;

public sealed class TokenSeriesWriterTests
{
    private static readonly TokenGaugeFamily Ready = OperatorMetrics.TokenGauges.Single(f => f.Name == OperatorMetrics.ReadyStatus);
    private static readonly TokenGaugeFamily Expiration = OperatorMetrics.TokenGauges.Single(f => f.Name == OperatorMetrics.Expiration);

    [Fact]
    public async Task WriteFamilyAsync_OneToken_TypeHelpAndOneSampleAsTheExporterWroteThem()
    {
        var text = await WriteAsync(Ready, [Row("ns", "t1", ready: true)]);

        Assert.Equal(
            "# TYPE servicetoken_ready_status gauge\n"
            + "# HELP servicetoken_ready_status 1 when the ServiceToken's Ready condition is True, else 0.\n"
            + "servicetoken_ready_status{otel_scope_name=\"scope\",issuer=\"ClusterTokenIssuer/acme\",name=\"t1\",namespace=\"ns\",vendor=\"akka\"} 1\n",
            text);
    }

    [Fact]
    public async Task WriteFamilyAsync_LabelValuesWithBackslashQuoteAndNewline_EscapedAndUnicodeKept()
    {
        var row = Row("ns", "t1", ready: false) with { Issuer = "TokenIssuer/a\\b\"c\nd", Vendor = "é—🙂" };

        var text = await WriteAsync(Ready, [row]);

        Assert.Contains("issuer=\"TokenIssuer/a\\\\b\\\"c\\nd\",name=\"t1\",namespace=\"ns\",vendor=\"é—🙂\"} 0\n", text, StringComparison.Ordinal);
        Assert.Equal(3, text.Count(c => c == '\n'));
    }

    [Theory]
    [InlineData(false, "# HELP f says \"hi\" a\\\\b\\nc\n")]
    [InlineData(true, "# HELP f says \\\"hi\\\" a\\\\b\\nc\n")]
    public async Task WriteFamilyAsync_HelpText_QuotesEscapedOnlyInOpenMetrics(bool openMetrics, string help)
    {
        var family = new TokenGaugeFamily("f", "says \"hi\" a\\b\nc", _ => 1);

        var text = await WriteAsync(family, [Row("ns", "t1", ready: true)], openMetrics);

        Assert.Contains(help, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteFamilyAsync_TokensWithoutAValue_AreLeftOut()
    {
        var text = await WriteAsync(Expiration, [Row("ns", "never-expires", ready: true), Row("ns", "expires", ready: true) with { ExpiresAt = 1795420391.5 }]);

        Assert.DoesNotContain("never-expires", text, StringComparison.Ordinal);
        Assert.Contains("name=\"expires\",namespace=\"ns\",vendor=\"akka\"} 1795420391.5\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteFamilyAsync_NoTokenHasAValue_WritesNothingNotEvenTheHeader()
    {
        // As the exporter: a gauge no token reported on has no family at all.
        Assert.Equal(string.Empty, await WriteAsync(Expiration, [Row("ns", "t1", ready: true)]));
        Assert.Equal(string.Empty, await WriteAsync(Ready, []));
    }

    [Theory]
    [InlineData(1795420391.514763, "1795420391.514763")]
    [InlineData(1795420690.39914, "1795420690.39914")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e21, "1E+21")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    public async Task WriteFamilyAsync_Values_ShortestRoundTripAsTheExporter(double value, string expected)
    {
        var family = new TokenGaugeFamily("f", "h", _ => value);

        var text = await WriteAsync(family, [Row("ns", "t1", ready: true)]);

        Assert.EndsWith($"}} {expected}\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteFamilyAsync_LabelsLongerThanTheBufferAndManyRows_EveryLineWhole()
    {
        var huge = new string('x', 100_000);
        var rows = Enumerable.Range(0, 3_000).Select(i => Row("ns", $"t{i}", ready: i % 2 == 0)).Append(Row("ns", huge, ready: true)).ToList();
        using var output = new MemoryStream();

        var samples = await new TokenSeriesWriter("scope").WriteFamilyAsync(output, Ready, rows, openMetrics: false, CancellationToken.None);

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3_001, samples);
        Assert.Equal(3_003, lines.Length);
        Assert.All(lines.Skip(2), l => Assert.Matches("^servicetoken_ready_status\\{otel_scope_name=\"scope\",issuer=\"ClusterTokenIssuer/acme\",name=\"[^\"]+\",namespace=\"ns\",vendor=\"akka\"\\} [01]$", l));
        Assert.Contains(lines, l => l.Contains($"name=\"{huge}\"", StringComparison.Ordinal));
    }

    private static TokenGaugeRow Row(string @namespace, string name, bool ready) =>
        new(@namespace, name, "ClusterTokenIssuer/acme", "akka", ready, IssuedAt: 100, ExpiresAt: null, NextRotationAt: 300);

    private static async Task<string> WriteAsync(TokenGaugeFamily family, IEnumerable<TokenGaugeRow> rows, bool openMetrics = false)
    {
        using var output = new MemoryStream();
        await new TokenSeriesWriter("scope").WriteFamilyAsync(output, family, rows, openMetrics, CancellationToken.None);
        return Encoding.UTF8.GetString(output.ToArray());
    }
}
