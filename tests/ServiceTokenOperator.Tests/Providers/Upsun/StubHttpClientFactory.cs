namespace ServiceTokenOperator.Tests.Providers.Upsun;

/// <summary>Hands out clients over one in-memory handler: no network.</summary>
internal sealed class StubHttpClientFactory(HttpMessageHandler handler) : IHttpClientFactory
{
    public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
}
