using System.Diagnostics.Metrics;
using k8s;
using ServiceTokenOperator.Observability;
using ServiceTokenOperator.Providers;
using ServiceTokenOperator.Providers.Akka;
using ServiceTokenOperator.Providers.PlanetScale;
using ServiceTokenOperator.Providers.Upsun;

namespace ServiceTokenOperator.Hosting;

/// <summary>All of the operator's wiring, in one place.</summary>
internal static class OperatorServiceCollectionExtensions
{
    public static IServiceCollection AddServiceTokenOperator(this IServiceCollection services, OperatorOptions options, KubernetesClientConfiguration kubernetes)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IKubernetes>(sp => new Kubernetes(kubernetes, new ClientRateLimiter(options.KubeApiQps, options.KubeApiBurst, sp.GetRequiredService<TimeProvider>())));
        services.AddPlanetScaleVendor();
        services.AddUpsunVendors();
        services.AddAkkaVendor();
        services.AddSingleton<VendorRegistry>();
        services.AddSingleton(sp => new OperatorMetrics(sp.GetRequiredService<IMeterFactory>(), options.MeterName));
        services.AddSingleton<ControllerManager>();
        services.AddHostedService(sp => sp.GetRequiredService<ControllerManager>());
        return services;
    }
}
