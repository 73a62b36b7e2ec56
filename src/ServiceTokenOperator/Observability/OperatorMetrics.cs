using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace ServiceTokenOperator.Observability;

/// <summary>
/// The operator's metric families. Names are final Prometheus names: units are already in the names (and the
/// instruments carry no unit), so the Prometheus exporter adds no suffix of its own. Gauges read the ServiceToken
/// cache and the work queues through sources that the controller manager attaches once they exist.
/// </summary>
internal sealed class OperatorMetrics
{
    public const string ReconcileDuration = "servicetoken_reconcile_duration_seconds";
    public const string ReconcileOverhead = "servicetoken_reconcile_overhead_seconds";
    public const string ReconcileWait = "servicetoken_reconcile_wait_seconds";
    public const string ProviderRequests = "servicetoken_provider_requests_total";
    public const string ProviderRequestDuration = "servicetoken_provider_request_duration_seconds";
    public const string Rotations = "servicetoken_rotations_total";
    public const string Revocations = "servicetoken_revocations_total";
    public const string WorkQueueDepth = "servicetoken_workqueue_depth";
    public const string ReadyStatus = "servicetoken_ready_status";
    public const string NextRotation = "servicetoken_next_rotation_timestamp_seconds";
    public const string Expiration = "servicetoken_expiration_timestamp_seconds";
    public const string IssuedAt = "servicetoken_issued_timestamp_seconds";

    /// <summary>
    /// Series each per-ServiceToken gauge may carry. OpenTelemetry's default of 2,000 per metric would fold every token
    /// beyond the 2,000th into one overflow series; each slot costs ~100 bytes up front, so 20,000 costs ~2 MB a gauge.
    /// More ServiceTokens than that per replica is what --shard is for.
    /// </summary>
    public const int TokenSeriesLimit = 20_000;

    /// <summary>The per-ServiceToken gauges (one series per token).</summary>
    public static readonly IReadOnlyList<string> TokenGauges = [ReadyStatus, NextRotation, Expiration, IssuedAt];

    // Fine buckets: the operator's own work per reconcile is sub-millisecond to milliseconds.
    private static readonly double[] OverheadBuckets =
        [0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1];

    private static readonly double[] DurationBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly Histogram<double> _reconcileDuration;
    private readonly Histogram<double> _reconcileOverhead;
    private readonly Histogram<double> _reconcileWait;
    private readonly Counter<long> _providerRequests;
    private readonly Histogram<double> _providerDuration;
    private readonly Counter<long> _rotations;
    private readonly Counter<long> _revocations;
    private volatile Func<IEnumerable<TokenGaugeRow>> _tokens = () => [];
    private volatile Func<IEnumerable<(string Controller, int Depth)>> _queues = () => [];

    /// <param name="meterName">The Meter's name; only several hosts in one process (tests) need distinct names.</param>
    public OperatorMetrics(IMeterFactory meters, string meterName = OperatorTelemetry.Name)
    {
        var meter = meters.Create(meterName);
        _reconcileDuration = meter.CreateHistogram(ReconcileDuration, unit: null, "Duration of a reconcile, by controller and result.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _reconcileOverhead = meter.CreateHistogram(ReconcileOverhead, unit: null,
            "Duration of a ServiceToken reconcile minus the time it spent awaiting vendor calls, Kubernetes API requests and the client rate limiter: the operator's own cost.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = OverheadBuckets });
        _reconcileWait = meter.CreateHistogram(ReconcileWait, unit: null,
            "Time one ServiceToken reconcile awaited, by what it awaited (on: vendor, kube_api, client_throttle).",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = OverheadBuckets });
        _providerRequests = meter.CreateCounter<long>(ProviderRequests, unit: null, "Vendor API operations, by vendor, operation and outcome.");
        _providerDuration = meter.CreateHistogram(ProviderRequestDuration, unit: null, "Duration of vendor API operations, by vendor, operation and outcome.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _rotations = meter.CreateCounter<long>(Rotations, unit: null, "Tokens replaced by a new revision, by vendor.");
        _revocations = meter.CreateCounter<long>(Revocations, unit: null, "Tokens revoked at the vendor, by vendor.");
        meter.CreateObservableGauge(WorkQueueDepth, () => _queues().Select(q => new Measurement<long>(q.Depth, new KeyValuePair<string, object?>("controller", q.Controller))),
            unit: null, "Keys waiting in a work queue, ready to be handed to a worker.");
        meter.CreateObservableGauge(ReadyStatus, () => Rows(r => r.Ready ? 1.0 : 0.0), unit: null, "1 when the ServiceToken's Ready condition is True, else 0.");
        meter.CreateObservableGauge(NextRotation, () => Rows(r => r.NextRotationAt), unit: null, "When the ServiceToken's token is next rotated, Unix seconds.");
        meter.CreateObservableGauge(Expiration, () => Rows(r => r.ExpiresAt), unit: null, "When the ServiceToken's current token expires at the vendor, Unix seconds.");
        meter.CreateObservableGauge(IssuedAt, () => Rows(r => r.IssuedAt), unit: null, "When the ServiceToken's current token was issued, Unix seconds.");
    }

    /// <summary>Raises the series limit of the per-ServiceToken gauges (<see cref="TokenSeriesLimit"/>).</summary>
    public static MeterProviderBuilder AddTokenGaugeViews(MeterProviderBuilder builder)
    {
        foreach (var gauge in TokenGauges) builder.AddView(gauge, new MetricStreamConfiguration { CardinalityLimit = TokenSeriesLimit });
        return builder;
    }

    /// <summary>Attaches the ServiceTokens the gauges report on.</summary>
    public void ObserveTokens(Func<IEnumerable<TokenGaugeRow>> tokens) => _tokens = tokens;

    /// <summary>Attaches the work queues whose depth is reported.</summary>
    public void ObserveQueues(Func<IEnumerable<(string Controller, int Depth)>> queues) => _queues = queues;

    public void RecordReconcile(string controller, string result, TimeSpan duration, ReconcileWaits? waits)
    {
        _reconcileDuration.Record(duration.TotalSeconds, new("controller", controller), new("result", result));
        if (waits is null) return;
        var tag = new KeyValuePair<string, object?>("result", result);
        _reconcileOverhead.Record(Math.Max(0, (duration - waits.Vendor - waits.KubeApi - waits.Throttle).TotalSeconds), tag);
        _reconcileWait.Record(waits.Vendor.TotalSeconds, tag, new("on", "vendor"));
        _reconcileWait.Record(waits.KubeApi.TotalSeconds, tag, new("on", "kube_api"));
        _reconcileWait.Record(waits.Throttle.TotalSeconds, tag, new("on", "client_throttle"));
    }

    public void RecordProviderRequest(string vendor, string operation, string outcome, TimeSpan duration)
    {
        var tags = new TagList { { "vendor", vendor }, { "operation", operation }, { "outcome", outcome } };
        _providerRequests.Add(1, tags);
        _providerDuration.Record(duration.TotalSeconds, tags);
    }

    public void RecordRotation(string vendor) => _rotations.Add(1, new KeyValuePair<string, object?>("vendor", vendor));

    public void RecordRevocation(string vendor) => _revocations.Add(1, new KeyValuePair<string, object?>("vendor", vendor));

    private IEnumerable<Measurement<double>> Rows(Func<TokenGaugeRow, double?> value)
    {
        foreach (var row in _tokens())
        {
            if (value(row) is not { } v) continue;
            yield return new Measurement<double>(v, new TagList
            {
                { "namespace", row.Namespace }, { "name", row.Name }, { "issuer", row.Issuer }, { "vendor", row.Vendor },
            });
        }
    }
}
