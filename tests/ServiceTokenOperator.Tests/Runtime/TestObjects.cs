using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;

namespace ServiceTokenOperator.Tests.Runtime;

internal static class TestObjects
{
    public static ServiceToken Token(string name, string resourceVersion, string ns = "apps") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, ResourceVersion = resourceVersion },
    };

    public static ServiceToken Bookmark(string resourceVersion) => new()
    {
        Metadata = new V1ObjectMeta { ResourceVersion = resourceVersion },
    };
}
