using k8s.Models;
using ServiceTokenOperator.Runtime;

namespace ServiceTokenOperator.Tests.Runtime;

public sealed class InformerTransformsTests
{
    [Fact]
    public void StripManagedFields_ObjectWithManagedFields_SetsThemToNullAndKeepsTheRestOfMetadata()
    {
        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta
            {
                Name = "s",
                NamespaceProperty = "apps",
                ResourceVersion = "7",
                Labels = new Dictionary<string, string> { ["app"] = "x" },
                ManagedFields = [new V1ManagedFieldsEntry { Manager = "servicetoken-operator", Operation = "Update" }],
            },
            Data = new Dictionary<string, byte[]> { ["k"] = [1] },
        };

        InformerTransforms.StripManagedFields(secret);

        // Null, not []: an update that sends [] would clear the server's managedFields.
        Assert.Null(secret.Metadata.ManagedFields);
        Assert.Equal(("s", "apps", "7"), (secret.Metadata.Name, secret.Metadata.NamespaceProperty, secret.Metadata.ResourceVersion));
        Assert.Equal("x", secret.Metadata.Labels["app"]);
        Assert.Equal([1], secret.Data["k"]);
    }

    [Fact]
    public void StripManagedFields_ObjectWithoutMetadata_LeavesItAlone()
    {
        var secret = new V1Secret();

        InformerTransforms.StripManagedFields(secret);

        Assert.Null(secret.Metadata);
    }
}
