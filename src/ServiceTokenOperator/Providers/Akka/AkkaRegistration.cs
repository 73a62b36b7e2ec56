using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ServiceTokenOperator.Providers.Akka;

internal static class AkkaRegistration
{
    /// <summary>Registers the Akka vendor as an <see cref="ITokenVendor"/>.</summary>
    public static IServiceCollection AddAkkaVendor(this IServiceCollection services)
    {
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITokenVendor, AkkaVendor>());
        return services;
    }
}
