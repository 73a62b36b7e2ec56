using System.Collections.Concurrent;

namespace ServiceTokenOperator.Tests.Providers.Upsun;

/// <summary>Answers requests with a function and records what was asked (method, URI, headers, body).</summary>
internal sealed class StubHandler(Func<HttpRequestMessage, string, Task<HttpResponseMessage>> answer) : HttpMessageHandler
{
    public StubHandler(Func<HttpRequestMessage, string, HttpResponseMessage> answer)
        : this((request, body) => Task.FromResult(answer(request, body)))
    {
    }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue(new RecordedRequest(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), request.Content?.Headers.ContentType?.MediaType, body));
        return await answer(request, body);
    }

    /// <summary>One request as the handler saw it.</summary>
    internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Authorization, string? ContentType, string Body);
}
