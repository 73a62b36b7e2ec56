using ServiceTokenOperator.Akka.Grpc.Auth;
using ServiceTokenOperator.Providers;
using ServiceTokenOperator.Providers.Akka;

namespace ServiceTokenOperator.Tests.Providers.Akka;

public sealed class AkkaScopesTests
{
    [Theory]
    [InlineData("all", TokenScope.All)]
    [InlineData("container_registry", TokenScope.ContainerRegistry)]
    [InlineData("CONTAINER_REGISTRY", TokenScope.ContainerRegistry)]
    [InlineData("execution", TokenScope.Execution)]
    [InlineData("Projects", TokenScope.Projects)]
    public void Map_CliScopeName_MapsToTokenScope(string name, object expected)
    {
        // object: the generated TokenScope is internal, and public test methods cannot take it.
        Assert.Equal([(TokenScope)expected], AkkaScopes.Map([name]));
    }

    [Fact]
    public void Map_UnsetOrEmpty_All()
    {
        Assert.Equal([TokenScope.All], AkkaScopes.Map(null));
        Assert.Equal([TokenScope.All], AkkaScopes.Map([]));
    }

    [Fact]
    public void Map_Duplicates_RequestedOnce()
    {
        Assert.Equal([TokenScope.Execution, TokenScope.Projects], AkkaScopes.Map(["execution", "EXECUTION", "projects"]));
    }

    [Fact]
    public void Map_UnknownScope_InvalidRequest()
    {
        var e = Assert.Throws<VendorException>(() => AkkaScopes.Map(["organizations"]));

        Assert.Equal(VendorErrorKind.InvalidRequest, e.Kind);
    }

    [Theory]
    [InlineData("user")]
    [InlineData("organizations")]
    [InlineData("container-registry")]
    [InlineData("")]
    public void Validate_ScopeTheCliDoesNotOffer_Problem(string scope)
    {
        var problem = AkkaScopes.Validate(["all", scope]);

        Assert.Equal("spec.akka.scopes[1]", problem?.Field);
    }
}
