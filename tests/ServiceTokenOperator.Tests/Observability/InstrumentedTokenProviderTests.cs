using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Hosting;
using ServiceTokenOperator.Observability;
using ServiceTokenOperator.Providers;
using ServiceTokenOperator.Runtime;

namespace ServiceTokenOperator.Tests.Observability;

public sealed class InstrumentedTokenProviderTests : IDisposable
{
    private readonly MetricCapture _capture = new();

    public void Dispose() => _capture.Dispose();

    private sealed class SlowProvider(TimeSpan delay, VendorErrorKind? fails = null) : ITokenProvider, IDisposable
    {
        public bool Disposed { get; private set; }

        public Task CheckCredentialAsync(CancellationToken cancellationToken) => CallAsync(cancellationToken);

        public async Task<IssuedToken> CreateAsync(TokenRequest request, CancellationToken cancellationToken)
        {
            await CallAsync(cancellationToken);
            return new IssuedToken("tok-1", request.Name, new SecretValues(new Dictionary<string, string> { ["T"] = "s3cr3t-value" }) { TokenKey = "T" }, DateTimeOffset.UnixEpoch, null);
        }

        public Task VerifyAsync(IssuedToken token, CancellationToken cancellationToken) => CallAsync(cancellationToken);

        public Task RevokeAsync(string tokenId, CancellationToken cancellationToken) => CallAsync(cancellationToken);

        public Task<bool> UpdateGrantsAsync(string tokenId, ServiceTokenSpec spec, CancellationToken cancellationToken) => Task.FromResult(false);

        public async IAsyncEnumerable<VendorToken> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await CallAsync(cancellationToken);
            yield return new VendorToken("tok-1", "st-x", DateTimeOffset.UnixEpoch);
        }

        public void Dispose() => Disposed = true;

        private async Task CallAsync(CancellationToken ct)
        {
            await Task.Delay(delay, ct);
            if (fails is { } kind) throw new VendorException(kind, "vendor said no");
        }
    }

    [Fact]
    public async Task Operations_Succeeding_CountedByVendorOperationAndOutcome()
    {
        var provider = new InstrumentedTokenProvider(new SlowProvider(TimeSpan.Zero), "planetscale", _capture.Metrics);

        await provider.CheckCredentialAsync(CancellationToken.None);
        var issued = await provider.CreateAsync(new TokenRequest("st-a", new ServiceTokenSpec()), CancellationToken.None);
        await provider.VerifyAsync(issued, CancellationToken.None);
        await provider.RevokeAsync("tok-1", CancellationToken.None);
        await foreach (var _ in provider.ListAsync(CancellationToken.None))
        {
        }

        var requests = _capture.Of(OperatorMetrics.ProviderRequests).ToList();
        Assert.Equal(["check_credential", "create", "verify", "revoke", "list"], requests.Select(r => r.Tags["operation"]));
        Assert.All(requests, r => Assert.Equal(("planetscale", "success"), (r.Tags["vendor"], r.Tags["outcome"])));
        Assert.Equal(5, _capture.Of(OperatorMetrics.ProviderRequestDuration).Count());
        Assert.Equal("planetscale", Assert.Single(_capture.Of(OperatorMetrics.Revocations)).Tags["vendor"]);
    }

    [Fact]
    public async Task CreateAsync_VendorRateLimits_CountedAsRateLimitedAndRethrown()
    {
        var provider = new InstrumentedTokenProvider(new SlowProvider(TimeSpan.Zero, VendorErrorKind.RateLimited), "upsun", _capture.Metrics);

        var e = await Assert.ThrowsAsync<VendorException>(() => provider.CreateAsync(new TokenRequest("st-a", new ServiceTokenSpec()), CancellationToken.None));

        Assert.Equal(VendorErrorKind.RateLimited, e.Kind);
        Assert.Equal("rate_limited", Assert.Single(_capture.Of(OperatorMetrics.ProviderRequests)).Tags["outcome"]);
    }

    [Fact]
    public async Task RevokeAsync_Fails_NoRevocationCounted()
    {
        var provider = new InstrumentedTokenProvider(new SlowProvider(TimeSpan.Zero, VendorErrorKind.Unavailable), "akka", _capture.Metrics);

        await Assert.ThrowsAsync<VendorException>(() => provider.RevokeAsync("tok-1", CancellationToken.None));

        Assert.Empty(_capture.Of(OperatorMetrics.Revocations));
        Assert.Equal("unavailable", Assert.Single(_capture.Of(OperatorMetrics.ProviderRequests)).Tags["outcome"]);
    }

    [Fact]
    public void Dispose_DisposesTheWrappedProvider()
    {
        var inner = new SlowProvider(TimeSpan.Zero);

        new InstrumentedTokenProvider(inner, "akka", _capture.Metrics).Dispose();

        Assert.True(inner.Disposed);
    }

    [Fact]
    public async Task Wrap_ReconcileAwaitingVendorCalls_OverheadExcludesVendorTime()
    {
        var provider = new InstrumentedTokenProvider(new SlowProvider(TimeSpan.FromMilliseconds(150)), "planetscale", _capture.Metrics);
        var reconcile = ReconcileInstrumentation.Wrap<string>("servicetoken", async (_, ct) =>
        {
            await provider.CheckCredentialAsync(ct);
            await provider.RevokeAsync("tok-1", ct);
            return ReconcileResult.Done;
        }, _capture.Metrics, measureOverhead: true);

        await reconcile("default/t1", CancellationToken.None);

        var duration = Assert.Single(_capture.Of(OperatorMetrics.ReconcileDuration));
        var overhead = Assert.Single(_capture.Of(OperatorMetrics.ReconcileOverhead));
        Assert.Equal("done", duration.Tags["result"]);
        Assert.Equal("servicetoken", duration.Tags["controller"]);
        Assert.True(duration.Value >= 0.3, $"duration {duration.Value}");
        Assert.True(overhead.Value < duration.Value - 0.29, $"overhead {overhead.Value} of {duration.Value}");
        var excludingVendor = Assert.Single(_capture.Of(OperatorMetrics.ReconcileExcludingVendor)).Value;
        Assert.True(excludingVendor < duration.Value - 0.29, $"excluding vendor {excludingVendor} of {duration.Value}");
    }

    [Fact]
    public async Task Wrap_ReconcileThrottledByTheClientRateLimiter_OverheadExcludesTheWait()
    {
        // Five requests a second after the first: the second waits 200 ms on the client's own budget, not on the operator.
        using var client = new HttpClient(new ClientRateLimiter(qps: 5, burst: 1, TimeProvider.System) { InnerHandler = new SlowNoContent(TimeSpan.Zero) });
        var reconcile = ReconcileInstrumentation.Wrap<string>("servicetoken", async (_, ct) =>
        {
            await client.GetAsync(new Uri("http://127.0.0.1/"), ct);
            await client.GetAsync(new Uri("http://127.0.0.1/"), ct);
            return ReconcileResult.Done;
        }, _capture.Metrics, measureOverhead: true);

        await reconcile("default/t1", CancellationToken.None);

        var duration = Assert.Single(_capture.Of(OperatorMetrics.ReconcileDuration)).Value;
        var throttle = Assert.Single(_capture.Of(OperatorMetrics.ReconcileWait), m => m.Tags["on"] == "client_throttle").Value;
        var overhead = Assert.Single(_capture.Of(OperatorMetrics.ReconcileOverhead)).Value;
        Assert.True(throttle >= 0.15, $"throttle {throttle}");
        Assert.True(overhead < duration - 0.15, $"overhead {overhead} of {duration}");
    }

    [Fact]
    public async Task Wrap_ReconcileAwaitingTheKubernetesApi_OverheadExcludesTheRequest()
    {
        using var client = new HttpClient(new KubeApiTimer(TimeProvider.System) { InnerHandler = new SlowNoContent(TimeSpan.FromMilliseconds(200)) });
        var reconcile = ReconcileInstrumentation.Wrap<string>("servicetoken", async (_, ct) =>
        {
            await client.GetAsync(new Uri("http://127.0.0.1/"), ct);
            return ReconcileResult.Done;
        }, _capture.Metrics, measureOverhead: true);

        await reconcile("default/t1", CancellationToken.None);

        var duration = Assert.Single(_capture.Of(OperatorMetrics.ReconcileDuration)).Value;
        var api = Assert.Single(_capture.Of(OperatorMetrics.ReconcileWait), m => m.Tags["on"] == "kube_api").Value;
        var overhead = Assert.Single(_capture.Of(OperatorMetrics.ReconcileOverhead)).Value;
        Assert.True(api >= 0.19, $"API wait {api}");
        Assert.True(overhead < duration - 0.19, $"overhead {overhead} of {duration}");
        // Vendor time excluded, the API request counts.
        var excludingVendor = Assert.Single(_capture.Of(OperatorMetrics.ReconcileExcludingVendor)).Value;
        Assert.True(excludingVendor >= 0.19, $"excluding vendor {excludingVendor} of {duration}");
    }

    /// <summary>An API that answers 204 after <paramref name="delay"/>.</summary>
    private sealed class SlowNoContent(TimeSpan delay) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(delay, cancellationToken);
            return new HttpResponseMessage(System.Net.HttpStatusCode.NoContent);
        }
    }

    [Fact]
    public async Task Wrap_ReconcileThrows_RecordedAsErrorAndRethrown()
    {
        var reconcile = ReconcileInstrumentation.Wrap<string>("issuer", (_, _) => throw new InvalidOperationException("bug"), _capture.Metrics, measureOverhead: false);

        await Assert.ThrowsAsync<InvalidOperationException>(() => reconcile("x", CancellationToken.None));

        Assert.Equal("error", Assert.Single(_capture.Of(OperatorMetrics.ReconcileDuration)).Tags["result"]);
        Assert.Empty(_capture.Of(OperatorMetrics.ReconcileOverhead));
    }

    [Fact]
    public async Task Wrap_ConcurrentReconciles_EachCountsOnlyItsOwnVendorTime()
    {
        var slow = new InstrumentedTokenProvider(new SlowProvider(TimeSpan.FromMilliseconds(200)), "planetscale", _capture.Metrics);
        var reconcileSlow = ReconcileInstrumentation.Wrap<string>("servicetoken", async (_, ct) =>
        {
            await slow.CheckCredentialAsync(ct);
            return ReconcileResult.Done;
        }, _capture.Metrics, measureOverhead: true);
        var reconcileLocal = ReconcileInstrumentation.Wrap<string>("servicetoken", async (_, ct) =>
        {
            await Task.Delay(200, ct);
            return ReconcileResult.Failed();
        }, _capture.Metrics, measureOverhead: true);

        await Task.WhenAll(reconcileSlow("a", CancellationToken.None), reconcileLocal("b", CancellationToken.None));

        var overheads = _capture.Of(OperatorMetrics.ReconcileOverhead).ToDictionary(m => m.Tags["result"], m => m.Value);
        Assert.True(overheads["done"] < 0.1, $"vendor-bound reconcile overhead {overheads["done"]}");
        Assert.True(overheads["failed"] >= 0.19, $"local-work reconcile overhead {overheads["failed"]}");
    }

    [Fact]
    public void ObservableGauges_ReportTheAttachedQueues()
    {
        _capture.Metrics.ObserveQueues(() => [("servicetoken", 7)]);

        _capture.Observe();

        var depth = Assert.Single(_capture.Of(OperatorMetrics.WorkQueueDepth));
        Assert.Equal((7, "servicetoken"), (depth.Value, depth.Tags["controller"]));
    }

    [Fact]
    public void TokenGauges_AreNotOpenTelemetryInstruments_TheyAreWrittenAtScrapeTime()
    {
        // A series per token kept by the SDK is what this avoids (TokenSeriesMiddleware writes them instead).
        _capture.Metrics.ObserveTokens(() => [new TokenGaugeRow("ns", "t1", "ClusterTokenIssuer/acme", "akka", true, 100, null, 300)]);

        _capture.Observe();

        foreach (var family in OperatorMetrics.TokenGauges) Assert.Empty(_capture.Of(family.Name));
        Assert.Equal("t1", Assert.Single(_capture.Metrics.Tokens()).Name);
    }
}
