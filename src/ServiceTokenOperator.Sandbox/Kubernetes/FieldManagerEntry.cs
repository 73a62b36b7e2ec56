namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>One <c>metadata.managedFields</c> entry: who owns which paths (see <see cref="ManagedFields"/>), by which operation.</summary>
internal sealed record FieldManagerEntry(string Manager, string Operation, string ApiVersion, string? Time, string? Subresource, HashSet<string> Fields)
{
    /// <summary>As conflict messages name a manager: appliers by name, updaters with their apiVersion and time.</summary>
    public string Describe()
    {
        var name = Subresource is null ? $"\"{Manager}\"" : $"\"{Manager}\" with subresource \"{Subresource}\"";
        if (Operation != "Update")
        {
            return name;
        }

        return Time is null ? $"{name} using {ApiVersion}" : $"{name} using {ApiVersion} at {Time}";
    }
}
