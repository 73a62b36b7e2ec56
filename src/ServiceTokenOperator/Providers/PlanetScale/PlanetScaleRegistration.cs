using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace ServiceTokenOperator.Providers.PlanetScale;

/// <summary>Registers the PlanetScale vendor.</summary>
public static class PlanetScaleRegistration
{
    /// <summary>
    /// The vendor as a singleton <see cref="ITokenVendor"/>, and the named HttpClient "planetscale": each attempt
    /// times out after 10 s; GET and DELETE are retried at most twice on 429 (honouring Retry-After up to 10 s),
    /// 408, 5xx and timeouts. POST is never retried here: a create that reached PlanetScale but lost its answer
    /// would make a second token nobody records; the reconciler retries instead, and the orphan sweep cleans up.
    /// </summary>
    public static IServiceCollection AddPlanetScaleVendor(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITokenVendor, PlanetScaleVendor>());
        services.AddHttpClient(PlanetScaleDefaults.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .AddResilienceHandler(PlanetScaleDefaults.HttpClientName, pipeline =>
            {
                pipeline.AddTimeout(PlanetScaleDefaults.TotalTimeout);
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 2,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(500),
                    ShouldRetryAfterHeader = true,
                    ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context.GetRequestMessage())),
                });
                pipeline.AddTimeout(PlanetScaleDefaults.AttemptTimeout);
            });
        return services;
    }

    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, HttpRequestMessage? request)
    {
        if (request is null || (request.Method != HttpMethod.Get && request.Method != HttpMethod.Delete)) return false;
        if (outcome.Exception is not null) return outcome.Exception is HttpRequestException or TimeoutRejectedException;
        if (outcome.Result is not { } response) return false;
        return response.StatusCode switch
        {
            HttpStatusCode.TooManyRequests => response.Headers.RetryAfter?.Delta is not { } wait || wait <= PlanetScaleDefaults.MaxRetryAfterToWait,
            HttpStatusCode.RequestTimeout => true,
            _ => (int)response.StatusCode >= 500,
        };
    }
}
