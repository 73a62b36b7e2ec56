using System.Diagnostics;
using System.Diagnostics.Metrics;

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
    public const string ReconcileExcludingVendor = "servicetoken_reconcile_excluding_vendor_seconds";
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
    /// The per-ServiceToken gauges (one series per token). They are not OpenTelemetry instruments: the SDK would keep a
    /// metric point and tag lookups per series and the exporter a response buffer per format sized by them (≈ 21 MB at
    /// 10,000 tokens, ≈ 31 MB once OpenMetrics is scraped too, never released), and cap them at a series limit; so
    /// <see cref="TokenSeriesMiddleware"/> writes them from the ServiceToken cache at scrape time instead.
    /// </summary>
    public static readonly IReadOnlyList<TokenGaugeFamily> TokenGauges =
    [
        new(Expiration, "When the ServiceToken's current token expires at the vendor, Unix seconds.", r => r.ExpiresAt),
        new(IssuedAt, "When the ServiceToken's current token was issued, Unix seconds.", r => r.IssuedAt),
        new(NextRotation, "When the ServiceToken's token is next rotated, Unix seconds.", r => r.NextRotationAt),
        new(ReadyStatus, "1 when the ServiceToken's Ready condition is True, else 0.", r => r.Ready ? 1.0 : 0.0),
    ];

    // Fine buckets: the operator's own work per reconcile is sub-millisecond to milliseconds.
    private static readonly double[] OverheadBuckets =
        [0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1];

    private static readonly double[] DurationBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly Histogram<double> _reconcileDuration;
    private readonly Histogram<double> _reconcileOverhead;
    private readonly Histogram<double> _reconcileWait;
    private readonly Histogram<double> _reconcileExcludingVendor;
    private readonly Counter<long> _providerRequests;
    private readonly Histogram<double> _providerDuration;
    private readonly Counter<long> _rotations;
    private readonly Counter<long> _revocations;
    private volatile Func<IEnumerable<TokenGaugeRow>> _tokens = () => [];
    private volatile Func<IEnumerable<(string Controller, int Depth)>> _queues = () => [];

    /// <param name="meterName">The Meter's name; only several hosts in one process (tests) need distinct names.</param>
    public OperatorMetrics(IMeterFactory meters, string meterName = OperatorTelemetry.Name)
    {
        MeterName = meterName;
        var meter = meters.Create(meterName);
        _reconcileDuration = meter.CreateHistogram(ReconcileDuration, unit: null, "Duration of a reconcile, by controller and result.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _reconcileOverhead = meter.CreateHistogram(ReconcileOverhead, unit: null,
            "Duration of a ServiceToken reconcile minus the time it spent awaiting vendor calls, Kubernetes API requests and the client rate limiter: the operator's own cost.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = OverheadBuckets });
        _reconcileWait = meter.CreateHistogram(ReconcileWait, unit: null,
            "Time one ServiceToken reconcile awaited, by what it awaited (on: vendor, kube_api, client_throttle).",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = OverheadBuckets });
        _reconcileExcludingVendor = meter.CreateHistogram(ReconcileExcludingVendor, unit: null,
            "Duration of a ServiceToken reconcile minus the time it spent awaiting vendor calls: the operator's own cost and its Kubernetes API requests.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = OverheadBuckets });
        _providerRequests = meter.CreateCounter<long>(ProviderRequests, unit: null, "Vendor API operations, by vendor, operation and outcome.");
        _providerDuration = meter.CreateHistogram(ProviderRequestDuration, unit: null, "Duration of vendor API operations, by vendor, operation and outcome.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _rotations = meter.CreateCounter<long>(Rotations, unit: null, "Tokens replaced by a new revision, by vendor.");
        _revocations = meter.CreateCounter<long>(Revocations, unit: null, "Tokens revoked at the vendor, by vendor.");
        meter.CreateObservableGauge(WorkQueueDepth, () => _queues().Select(q => new Measurement<long>(q.Depth, new KeyValuePair<string, object?>("controller", q.Controller))),
            unit: null, "Keys waiting in a work queue, ready to be handed to a worker.");
    }

    /// <summary>The Meter's name: the <c>otel_scope_name</c> label of every series, the per-token ones included.</summary>
    public string MeterName { get; }

    /// <summary>Attaches the ServiceTokens the gauges report on.</summary>
    public void ObserveTokens(Func<IEnumerable<TokenGaugeRow>> tokens) => _tokens = tokens;

    /// <summary>The ServiceTokens to report now (none on a replica that is not leading).</summary>
    public IEnumerable<TokenGaugeRow> Tokens() => _tokens();

    /// <summary>Attaches the work queues whose depth is reported.</summary>
    public void ObserveQueues(Func<IEnumerable<(string Controller, int Depth)>> queues) => _queues = queues;

    public void RecordReconcile(string controller, string result, TimeSpan duration, ReconcileWaits? waits)
    {
        _reconcileDuration.Record(duration.TotalSeconds, new("controller", controller), new("result", result));
        if (waits is null) return;
        var tag = new KeyValuePair<string, object?>("result", result);
        _reconcileOverhead.Record(Math.Max(0, (duration - waits.Vendor - waits.KubeApi - waits.Throttle).TotalSeconds), tag);
        _reconcileExcludingVendor.Record(Math.Max(0, (duration - waits.Vendor).TotalSeconds), tag);
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
}
