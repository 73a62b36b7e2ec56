using k8s;
using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Runtime;

namespace ServiceTokenOperator.Tests.Runtime;

public sealed class ChangePredicatesTests
{
    private static ServiceToken Token(long generation, string rv, Action<V1ObjectMeta>? change = null)
    {
        var token = new ServiceToken
        {
            Metadata = new V1ObjectMeta
            {
                Name = "t", NamespaceProperty = "apps", Generation = generation, ResourceVersion = rv,
                Labels = new Dictionary<string, string> { ["team"] = "a" },
                Annotations = new Dictionary<string, string> { ["note"] = "x" },
                Finalizers = ["servicetoken.dev/revoke"],
            },
            Status = new ServiceTokenStatus { Revision = long.Parse(rv, System.Globalization.CultureInfo.InvariantCulture) },
        };
        change?.Invoke(token.Metadata);
        return token;
    }

    private static bool Changed(ServiceToken old, ServiceToken current) =>
        ChangePredicates.SpecOrMetadataChanged(new InformerEvent<ServiceToken>(WatchEventType.Modified, old, current));

    [Fact]
    public void StatusOnlyUpdate_IsIgnored() => Assert.False(Changed(Token(1, "1"), Token(1, "2")));

    [Fact]
    public void SpecUpdate_BumpsGeneration_AndCounts() => Assert.True(Changed(Token(1, "1"), Token(2, "2")));

    [Fact]
    public void RotateAnnotation_Counts() => Assert.True(Changed(Token(1, "1"), Token(1, "2", m => m.Annotations["servicetoken.dev/rotate"] = "now")));

    [Fact]
    public void LabelChange_Counts() => Assert.True(Changed(Token(1, "1"), Token(1, "2", m => m.Labels["team"] = "b")));

    [Fact]
    public void FinalizerRemoved_Counts() => Assert.True(Changed(Token(1, "1"), Token(1, "2", m => m.Finalizers = [])));

    [Fact]
    public void DeletionStarted_Counts() => Assert.True(Changed(Token(1, "1"), Token(1, "2", m => m.DeletionTimestamp = new DateTime(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc))));

    [Theory]
    [InlineData(WatchEventType.Added)]
    [InlineData(WatchEventType.Deleted)]
    public void AddAndDelete_AlwaysCount(WatchEventType type) =>
        Assert.True(ChangePredicates.SpecOrMetadataChanged(new InformerEvent<ServiceToken>(type, Token(1, "1"), type == WatchEventType.Deleted ? null : Token(1, "1"))));
}
