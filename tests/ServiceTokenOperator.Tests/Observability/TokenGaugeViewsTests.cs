using OpenTelemetry;
using OpenTelemetry.Metrics;
using ServiceTokenOperator.Observability;

namespace ServiceTokenOperator.Tests.Observability;

public sealed class TokenGaugeViewsTests
{
    private sealed class PointCounter : BaseExporter<Metric>
    {
        public Dictionary<string, int> Points { get; } = [];

        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (var metric in batch)
            {
                var count = 0;
                foreach (ref readonly var point in metric.GetMetricPoints()) count++;
                Points[metric.Name] = count;
            }

            return ExportResult.Success;
        }
    }

    [Fact]
    public void TokenGauges_MoreTokensThanTheDefaultSeriesLimit_EachTokenIsItsOwnSeries()
    {
        // OpenTelemetry folds series beyond 2,000 per metric into one overflow series unless a view raises the limit.
        var meterName = $"token-gauges-{Guid.NewGuid():N}";
        using var meters = new MetricCapture();
        var metrics = new OperatorMetrics(meters, meterName);
        metrics.ObserveTokens(() => Enumerable.Range(0, 5_000).Select(i => new TokenGaugeRow("ns", $"t{i}", "ClusterTokenIssuer/acme", "akka", true, 100, 200, 300)));
        using var exporter = new PointCounter();
        using var provider = OperatorMetrics.AddTokenGaugeViews(Sdk.CreateMeterProviderBuilder().AddMeter(meterName))
            .AddReader(new BaseExportingMetricReader(exporter)).Build();

        provider.ForceFlush();

        foreach (var gauge in OperatorMetrics.TokenGauges) Assert.Equal(5_000, exporter.Points[gauge]);
    }
}
