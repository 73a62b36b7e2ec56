using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace ServiceTokenOperator.Providers.Upsun;

/// <summary>Registers Upsun and Platform.sh: one vendor implementation, two brands, shared HTTP clients.</summary>
internal static class UpsunRegistration
{
    public const string ApiClientName = "upsun-api";
    public const string AuthClientName = "upsun-auth";

    /// <summary>A longer Retry-After is left to the work queue instead of holding a reconcile.</summary>
    private static readonly TimeSpan MaxRetryAfterWait = TimeSpan.FromSeconds(10);

    public static IServiceCollection AddUpsunVendors(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        // The API client never retries POST: a create that timed out may have happened, and a retry would
        // mint a second token nobody records. Reads and deletes are idempotent.
        services.AddHttpClient(ApiClientName).AddResilienceHandler(ApiClientName, pipeline => ConfigurePipeline(pipeline, retryPost: false));
        // The token exchange POST only mints a short-lived access token: retrying it is harmless.
        services.AddHttpClient(AuthClientName).AddResilienceHandler(AuthClientName, pipeline => ConfigurePipeline(pipeline, retryPost: true));
        services.AddSingleton<ITokenVendor>(sp => Create(sp, UpsunBrand.Upsun));
        services.AddSingleton<ITokenVendor>(sp => Create(sp, UpsunBrand.Platformsh));
        return services;
    }

    private static UpsunVendor Create(IServiceProvider services, UpsunBrand brand) => new(
        brand,
        services.GetRequiredService<IHttpClientFactory>(),
        services.GetRequiredService<TimeProvider>(),
        services.GetRequiredService<ILoggerFactory>());

    private static void ConfigurePipeline(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, bool retryPost)
    {
        var retry = new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = 2,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(500),
            UseJitter = true,
            ShouldRetryAfterHeader = true,
            ShouldHandle = args => ValueTask.FromResult(IsRetryable(args.Outcome)),
        };
        if (!retryPost) retry.DisableFor(HttpMethod.Post, HttpMethod.Put, HttpMethod.Patch);
        pipeline
            .AddTimeout(TimeSpan.FromSeconds(45))
            .AddRetry(retry)
            // Per attempt, inside the retry: one hung connection must not eat the whole budget.
            .AddTimeout(TimeSpan.FromSeconds(10));
    }

    private static bool IsRetryable(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result.StatusCode: HttpStatusCode.TooManyRequests } => outcome.Result.Headers.RetryAfter?.Delta is not { } wait || wait <= MaxRetryAfterWait,
        { Result: { } response } => (int)response.StatusCode >= 500,
        _ => false,
    };
}
