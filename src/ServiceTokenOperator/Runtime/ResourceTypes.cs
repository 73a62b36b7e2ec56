using ServiceTokenOperator.Api.V1Alpha1;

namespace ServiceTokenOperator.Runtime;

/// <summary>The resources the operator lists, watches and writes.</summary>
internal static class ResourceTypes
{
    public static readonly ResourceType ServiceTokens = new(ApiGroup.Group, ApiGroup.VersionName, ServiceToken.Plural, Namespaced: true);
    public static readonly ResourceType TokenIssuers = new(ApiGroup.Group, ApiGroup.VersionName, TokenIssuer.Plural, Namespaced: true);
    public static readonly ResourceType ClusterTokenIssuers = new(ApiGroup.Group, ApiGroup.VersionName, ClusterTokenIssuer.Plural, Namespaced: false);
    public static readonly ResourceType Secrets = new(string.Empty, "v1", "secrets", Namespaced: true);
}
