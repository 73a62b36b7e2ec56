namespace ServiceTokenOperator.Runtime;

/// <summary>Where a resource lives in the API: group ("" for core), version, plural and scope.</summary>
internal sealed record ResourceType(string Group, string Version, string Plural, bool Namespaced)
{
    public override string ToString() => Group.Length == 0 ? $"{Plural}.{Version}" : $"{Plural}.{Version}.{Group}";
}
