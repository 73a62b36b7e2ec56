namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>Query options of a write: dryRun=All, fieldValidation=Strict|Warn|Ignore, and the warnings it collects.</summary>
internal sealed record WriteOptions(bool DryRun, string FieldValidation)
{
    public List<string> Warnings { get; } = [];

    /// <summary>Who the write's changed fields are recorded for in managedFields (fieldManager or the User-Agent).</summary>
    public string Manager { get; init; } = "unknown";

    /// <summary>A server-side apply: the body already carries the managedFields the apply computed.</summary>
    public bool Apply { get; init; }
}
