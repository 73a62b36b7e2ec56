namespace ServiceTokenOperator.Api.V1Alpha1;

/// <summary>The API group and version of every resource the operator serves.</summary>
public static class ApiGroup
{
    public const string Group = "servicetoken.dev";
    public const string VersionName = "v1alpha1";
    public const string Version = Group + "/" + VersionName;
}
