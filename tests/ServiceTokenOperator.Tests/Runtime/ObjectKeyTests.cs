using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Runtime;

namespace ServiceTokenOperator.Tests.Runtime;

public sealed class ObjectKeyTests
{
    [Fact]
    public void Of_NamespacedObject_KeysByNamespaceAndName()
    {
        var key = ObjectKey.Of(TestObjects.Token("t1", "1", ns: "apps"));

        Assert.Equal(new ObjectKey("apps", "t1"), key);
        Assert.Equal("apps/t1", key.ToString());
    }

    [Fact]
    public void Of_ClusterScopedObject_HasNoNamespace()
    {
        var key = ObjectKey.Of(new ClusterTokenIssuer { Metadata = new V1ObjectMeta { Name = "global", NamespaceProperty = "" } });

        Assert.Null(key.Namespace);
        Assert.Equal("global", key.ToString());
    }
}
