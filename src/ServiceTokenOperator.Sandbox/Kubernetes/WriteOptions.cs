namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>Query options of a write: dryRun=All, fieldValidation=Strict|Warn|Ignore, and the warnings it collects.</summary>
internal sealed record WriteOptions(bool DryRun, string FieldValidation)
{
    public List<string> Warnings { get; } = [];
}
