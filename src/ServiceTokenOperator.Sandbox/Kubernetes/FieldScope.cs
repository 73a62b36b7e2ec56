namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>Which part of an object a write addresses: the whole (no status subresource), the main resource, or status.</summary>
internal enum FieldScope
{
    All,
    Main,
    Status,
}
