using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ServiceTokenOperator.Observability;

namespace ServiceTokenOperator.Tests.Observability;

/// <summary>Creates the operator's meter on its own and records every measurement of it, with its tags.</summary>
internal sealed class MetricCapture : IMeterFactory
{
    private readonly MeterListener _listener = new();
    private readonly List<Meter> _meters = [];

    public MetricCapture()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_meters.Contains(instrument.Meter)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        Metrics = new OperatorMetrics(this);
        _listener.Start();
    }

    public OperatorMetrics Metrics { get; }

    public ConcurrentQueue<(string Name, double Value, Dictionary<string, string> Tags)> Measurements { get; } = new();

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        _meters.Add(meter);
        return meter;
    }

    public IEnumerable<(double Value, Dictionary<string, string> Tags)> Of(string name) =>
        Measurements.Where(m => m.Name == name).Select(m => (m.Value, m.Tags));

    public void Observe() => _listener.RecordObservableInstruments();

    public void Dispose()
    {
        _listener.Dispose();
        foreach (var meter in _meters) meter.Dispose();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, string>();
        foreach (var tag in tags) map[tag.Key] = tag.Value?.ToString() ?? string.Empty;
        Measurements.Enqueue((instrument.Name, value, map));
    }
}
