namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>The seam where RBAC enforcement plugs in; a denial answers 403 Forbidden.</summary>
public interface IKubeAuthorizer
{
    bool Allows(KubeUser user, KubeRequestAttributes request);
}
