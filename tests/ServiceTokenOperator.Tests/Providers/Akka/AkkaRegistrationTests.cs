using Microsoft.Extensions.DependencyInjection;
using ServiceTokenOperator.Providers;
using ServiceTokenOperator.Providers.Akka;

namespace ServiceTokenOperator.Tests.Providers.Akka;

public sealed class AkkaRegistrationTests
{
    [Fact]
    public void AddAkkaVendor_CalledTwice_RegistersOneAkkaVendor()
    {
        using var services = new ServiceCollection().AddAkkaVendor().AddAkkaVendor().BuildServiceProvider();

        var vendor = Assert.Single(services.GetServices<ITokenVendor>());

        Assert.Equal("akka", vendor.Name);
    }
}
