using System.Net;
using Polly;
using Polly.Timeout;
using ServiceTokenOperator.Providers.PlanetScale;

namespace ServiceTokenOperator.Tests.Providers.PlanetScale;

public sealed class PlanetScaleRegistrationTests
{
    private static HttpRequestMessage Request(string method) => new(new HttpMethod(method), "http://127.0.0.1/v1/organizations/o/service-tokens");

    private static Outcome<HttpResponseMessage> Status(HttpStatusCode status, TimeSpan? retryAfter = null)
    {
        var response = new HttpResponseMessage(status);
        if (retryAfter is { } wait) response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(wait);
        return Outcome.FromResult(response);
    }

    [Theory]
    [InlineData("GET", HttpStatusCode.ServiceUnavailable, true)]
    [InlineData("DELETE", HttpStatusCode.InternalServerError, true)]
    [InlineData("GET", HttpStatusCode.TooManyRequests, true)]
    [InlineData("GET", HttpStatusCode.RequestTimeout, true)]
    [InlineData("POST", HttpStatusCode.ServiceUnavailable, false)]
    [InlineData("POST", HttpStatusCode.TooManyRequests, false)]
    [InlineData("GET", HttpStatusCode.NotFound, false)]
    [InlineData("GET", HttpStatusCode.Unauthorized, false)]
    [InlineData("DELETE", HttpStatusCode.UnprocessableEntity, false)]
    public void ShouldRetry_Status_RetriesOnlyIdempotentTransientFailures(string method, HttpStatusCode status, bool expected)
    {
        Assert.Equal(expected, PlanetScaleRegistration.ShouldRetry(Status(status), Request(method)));
    }

    [Fact]
    public void ShouldRetry_RetryAfterBeyondLimit_LeavesWaitToReconciler()
    {
        Assert.True(PlanetScaleRegistration.ShouldRetry(Status(HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(2)), Request("GET")));
        Assert.False(PlanetScaleRegistration.ShouldRetry(Status(HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(60)), Request("GET")));
    }

    [Fact]
    public void ShouldRetry_Exceptions_RetriesConnectionFailuresAndTimeoutsOfGetOnly()
    {
        Assert.True(PlanetScaleRegistration.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new HttpRequestException("refused")), Request("GET")));
        Assert.True(PlanetScaleRegistration.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException()), Request("DELETE")));
        Assert.False(PlanetScaleRegistration.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException()), Request("POST")));
        Assert.False(PlanetScaleRegistration.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new InvalidOperationException()), Request("GET")));
    }
}
