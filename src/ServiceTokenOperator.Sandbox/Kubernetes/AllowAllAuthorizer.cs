namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>Allows every authenticated request: the default until RBAC rules are enforced.</summary>
internal sealed class AllowAllAuthorizer : IKubeAuthorizer
{
    public bool Allows(KubeUser user, KubeRequestAttributes request) => true;
}
