using ServiceTokenOperator.Sandbox.Kubernetes;

namespace ServiceTokenOperator.Tests.Sandbox.Kubernetes;

public sealed class ContentNegotiationTests
{
    [Theory]
    [InlineData("", false, null)]
    [InlineData("application/json", false, null)]
    [InlineData("*/*", true, null)]
    [InlineData("application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json", false, "Table meta.k8s.io/v1")]
    [InlineData("application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1beta1", true, "PartialObjectMetadata meta.k8s.io/v1beta1")]
    [InlineData("application/json;q=0.5,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1", false, "PartialObjectMetadataList meta.k8s.io/v1")]
    [InlineData("*/*;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json", false, null)]
    [InlineData("application/vnd.kubernetes.protobuf;as=Table;g=meta.k8s.io;v=v1,application/json", false, null)]
    [InlineData("application/json;as=Table;g=example.dev;v=v1,application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1", false, "PartialObjectMetadata meta.k8s.io/v1")]
    [InlineData("application/json;stream=watch;as=PartialObjectMetadata;g=meta.k8s.io;v=v1", false, "PartialObjectMetadata meta.k8s.io/v1")]
    [InlineData("application/vnd.kubernetes.protobuf,application/json", true, null)]
    public void Negotiate_AcceptHeader_PicksTheApiserversChoice(string accept, bool customResource, string? expected)
    {
        var conversion = ContentNegotiation.Negotiate(accept, customResource);

        Assert.Equal(expected, conversion is null ? null : $"{conversion.Kind} {conversion.ApiVersion}");
    }

    [Theory]
    [InlineData("application/json;as=Foo;g=meta.k8s.io;v=v1", false)]
    [InlineData("application/json;as=PartialObjectMetadata", false)]
    [InlineData("application/yaml;stream=watch", false)]
    [InlineData("text/plain", false)]
    [InlineData("application/vnd.kubernetes.protobuf", true)]
    public void Negotiate_NothingAcceptable_Throws406(string accept, bool customResource)
    {
        var error = Assert.Throws<KubeApiException>(() => ContentNegotiation.Negotiate(accept, customResource));

        Assert.Equal((406, "NotAcceptable"), (error.Code, error.Reason));
    }
}
