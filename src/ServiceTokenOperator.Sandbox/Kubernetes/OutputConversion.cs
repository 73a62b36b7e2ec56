namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>
/// The representation a client asked for with the <c>as</c>, <c>g</c> and <c>v</c> parameters of its Accept header:
/// a meta.k8s.io Table, PartialObjectMetadata or PartialObjectMetadataList instead of the object itself.
/// </summary>
internal sealed record OutputConversion(string Kind, string ApiVersion)
{
    public const string Table = "Table";
    public const string PartialObject = "PartialObjectMetadata";
    public const string PartialList = "PartialObjectMetadataList";

    public bool IsTable => Kind == Table;

    public bool IsPartialObject => Kind == PartialObject;

    public bool IsPartialList => Kind == PartialList;
}
