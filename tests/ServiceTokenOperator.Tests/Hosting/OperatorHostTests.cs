using ServiceTokenOperator.Hosting;

namespace ServiceTokenOperator.Tests.Hosting;

public sealed class OperatorHostTests
{
    [Theory]
    [InlineData(null, null, null, false)]
    [InlineData("http://collector:4317", null, null, true)]
    [InlineData(null, "http://collector:4318/v1/traces", null, true)]
    [InlineData(null, null, "otlp", true)]
    [InlineData(null, null, "none", false)]
    public void OtlpRequested_StandardVariables_TurnExportOn(string? endpoint, string? tracesEndpoint, string? exporter, bool expected)
    {
        var env = new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
            ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = tracesEndpoint,
            ["OTEL_TRACES_EXPORTER"] = exporter,
        };

        Assert.Equal(expected, OperatorHost.OtlpRequested(name => env.GetValueOrDefault(name)));
    }
}
