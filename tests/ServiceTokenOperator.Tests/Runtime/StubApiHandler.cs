using System.Net;
using System.Text;
using k8s;

namespace ServiceTokenOperator.Tests.Runtime;

/// <summary>Answers KubernetesClient requests in-process (no socket) and records them.</summary>
internal sealed class StubApiHandler : DelegatingHandler
{
    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];

    public Func<HttpRequestMessage, (HttpStatusCode Status, string Body)> Respond { get; set; } = _ => (HttpStatusCode.OK, "{}");

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static Kubernetes Client(StubApiHandler handler) =>
        new(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }, handler);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (_gate)
        {
            _requests.Add(new RecordedRequest(request.Method, request.RequestUri!, request.Content?.Headers.ContentType?.MediaType, body));
        }

        var (status, responseBody) = Respond(request);
        return new HttpResponseMessage(status)
        {
            Content = new StringContent(responseBody, Encoding.UTF8, "application/json"),
            RequestMessage = request,
        };
    }

    internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? ContentType, string? Body);
}
