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

    [Fact]
    public void KeepIdentity_MetadataOfAnUnmanagedSecret_KeepsNameNamespaceAndResourceVersionOnly()
    {
        var secret = new PartialObjectMetadata
        {
            Metadata = new V1ObjectMeta
            {
                Name = "sh.helm.release.v1.web.v3",
                NamespaceProperty = "apps",
                ResourceVersion = "42",
                Uid = "u-1",
                Labels = new Dictionary<string, string> { ["owner"] = "helm" },
                Annotations = new Dictionary<string, string> { ["note"] = new string('x', 4096) },
                Finalizers = ["example.com/keep"],
            },
        };

        InformerTransforms.KeepIdentity(secret);

        Assert.Equal(("sh.helm.release.v1.web.v3", "apps", "42"), (secret.Metadata.Name, secret.Metadata.NamespaceProperty, secret.Metadata.ResourceVersion));
        Assert.Null(secret.Metadata.Uid);
        Assert.Null(secret.Metadata.Labels);
        Assert.Null(secret.Metadata.Annotations);
        Assert.Null(secret.Metadata.Finalizers);
    }
}
