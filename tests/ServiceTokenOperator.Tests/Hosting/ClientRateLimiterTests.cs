using System.Net;
using Microsoft.Extensions.Time.Testing;
using ServiceTokenOperator.Hosting;

namespace ServiceTokenOperator.Tests.Hosting;

public sealed class ClientRateLimiterTests
{
    private sealed class Ok : HttpMessageHandler
    {
        public int Calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }

    [Fact]
    public async Task SendAsync_BeyondBurst_WaitsForTheSustainedRate()
    {
        var time = new FakeTimeProvider();
        var inner = new Ok();
        using var client = new HttpClient(new ClientRateLimiter(qps: 2, burst: 3, time) { InnerHandler = inner });

        for (var i = 0; i < 3; i++) await client.GetAsync(new Uri("http://127.0.0.1/"));
        var fourth = client.GetAsync(new Uri("http://127.0.0.1/"));
        Assert.False(fourth.IsCompleted);
        Assert.Equal(3, inner.Calls);

        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(fourth.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await fourth.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(4, inner.Calls);
    }
}
