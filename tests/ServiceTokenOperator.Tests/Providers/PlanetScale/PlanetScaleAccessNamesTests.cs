using ServiceTokenOperator.Tests.Api.V1Alpha1;
using ProviderNames = ServiceTokenOperator.Providers.PlanetScale.PlanetScaleAccessNames;
using SimulatorNames = ServiceTokenOperator.Sandbox.Vendors.PlanetScale.PlanetScaleAccessNames;

namespace ServiceTokenOperator.Tests.Providers.PlanetScale;

/// <summary>The database access names are listed three times: the CRD enum, the provider's check and the simulator. They must agree.</summary>
public sealed class PlanetScaleAccessNamesTests
{
    [Fact]
    public void DatabaseAccessNames_CrdEnumProviderAndSimulator_AreIdentical()
    {
        var schema = CrdSchemaAgreementTests.LoadSchema("servicetoken.dev_servicetokens.yaml");
        var crd = schema["properties"]!["spec"]!["properties"]!["planetscale"]!["properties"]!["accesses"]!["items"]!["properties"]!["permissions"]!["items"]!["enum"]!
            .AsArray().Select(n => (string)n!).ToList();

        Assert.Equal(crd.Count, crd.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(crd.Order(StringComparer.Ordinal), ProviderNames.Database.Order(StringComparer.Ordinal));
        Assert.Equal(crd.Order(StringComparer.Ordinal), SimulatorNames.Database.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void DatabaseAccessNames_NeverIncludeOrganizationAccesses() =>
        // A ServiceToken must not be able to ask for the admin's own powers (write_service_tokens and the like).
        Assert.Empty(ProviderNames.Database.Intersect(SimulatorNames.Organization));
}
