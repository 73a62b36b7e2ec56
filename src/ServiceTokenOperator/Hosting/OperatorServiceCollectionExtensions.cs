using System.Diagnostics.Metrics;
using k8s;
using Quartz;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Observability;
using ServiceTokenOperator.Providers;
using ServiceTokenOperator.Providers.Akka;
using ServiceTokenOperator.Providers.PlanetScale;
using ServiceTokenOperator.Providers.Upsun;
using ServiceTokenOperator.Rotation;

namespace ServiceTokenOperator.Hosting;

/// <summary>All of the operator's wiring, in one place.</summary>
internal static class OperatorServiceCollectionExtensions
{
    public static IServiceCollection AddServiceTokenOperator(this IServiceCollection services, OperatorOptions options, KubernetesClientConfiguration kubernetes)
    {
        var time = TimeProvider.System;
        services.AddSingleton(options);
        services.AddSingleton(time);
        // Quartz holds the time-based wake-ups. Its scheduler is started and stopped with leadership, not as a hosted
        // service; a unique name keeps two operator hosts in one process (tests) apart in Quartz's scheduler registry.
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s => s.InstanceName = $"servicetoken-operator-{Guid.NewGuid():N}");
            q.UseTimeProvider(time);
            q.UseInMemoryStore();
        });
        services.AddSingleton<RotationScheduler>();
        services.AddSingleton<RotationPacer>();
        services.AddSingleton<FailPoints>();
        services.AddSingleton<IKubernetes>(sp => Client(kubernetes, options, sp.GetRequiredService<TimeProvider>()));
        // Events get a client of their own, as client-go's broadcaster does: with a client-side limit, their writes
        // must not take the tokens the reconcilers need for finalizer, Secret and status (with one bucket, one Event
        // per issuance cost a fifth of the issuance rate at 20 requests/s).
        services.AddKeyedSingleton<IKubernetes>(EventRecorder.Component, (sp, _) => Client(kubernetes, options, sp.GetRequiredService<TimeProvider>()));
        services.AddPlanetScaleVendor();
        services.AddUpsunVendors();
        services.AddAkkaVendor();
        services.AddSingleton<VendorRegistry>();
        services.AddSingleton(sp => new OperatorMetrics(sp.GetRequiredService<IMeterFactory>(), options.MeterName));
        services.AddSingleton<ControllerManager>();
        services.AddHostedService(sp => sp.GetRequiredService<ControllerManager>());
        services.AddSingleton(sp => new IdleMemoryTrimmer(time, sp.GetRequiredService<ILogger<IdleMemoryTrimmer>>()));
        services.AddHostedService(sp => sp.GetRequiredService<IdleMemoryTrimmer>());
        return services;
    }

    // The first handler is the outermost: a throttled request waits before the timer starts.
    private static Kubernetes Client(KubernetesClientConfiguration kubernetes, OperatorOptions options, TimeProvider time) =>
        options.KubeApiQps == OperatorOptions.Unlimited
            ? new Kubernetes(kubernetes, new KubeApiTimer(time))
            : new Kubernetes(kubernetes, new ClientRateLimiter(options.KubeApiQps, options.KubeApiBurst, time), new KubeApiTimer(time));
}
