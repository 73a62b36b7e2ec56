namespace ServiceTokenOperator.IntegrationTests.Sandbox.Kubernetes;

/// <summary>A client-side handler that keeps every Accept header value a request went out with, exactly as sent.</summary>
internal sealed class AcceptRecorder : DelegatingHandler
{
    private readonly List<string[]> _sent = [];

    public IReadOnlyList<string[]> Sent
    {
        get
        {
            lock (_sent)
            {
                return _sent.ToList();
            }
        }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // NonValidated: the values as the caller gave them (TryGetValues would parse and re-format them).
        var values = request.Headers.NonValidated.TryGetValues("Accept", out var accept) ? accept.ToArray() : [];
        lock (_sent)
        {
            _sent.Add(values);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
