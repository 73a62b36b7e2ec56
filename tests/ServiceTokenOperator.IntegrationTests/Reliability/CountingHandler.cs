namespace ServiceTokenOperator.IntegrationTests.Reliability;

/// <summary>Counts the test's own requests, so that the API server's total minus these is what the operator sent.</summary>
internal sealed class CountingHandler : DelegatingHandler
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        return base.SendAsync(request, cancellationToken);
    }
}
