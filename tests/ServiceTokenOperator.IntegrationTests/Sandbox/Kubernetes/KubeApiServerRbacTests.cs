using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ServiceTokenOperator.IntegrationTests.Sandbox.Kubernetes;

public sealed class KubeApiServerRbacTests
{
    [Fact]
    public async Task ServiceAccount_WithoutBinding_IsForbiddenWithApiserverMessage()
    {
        await using var world = await KubeTestWorld.StartAsync();
        using var operatorClient = ClientFor(world, world.Server.AddServiceAccountToken("servicetoken-system", "operator"));

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => operatorClient.CoreV1.ListNamespacedSecretAsync("default"));

        Assert.Equal(403, (int)error.Response.StatusCode);
        Assert.Equal(
            "secrets is forbidden: User \"system:serviceaccount:servicetoken-system:operator\" cannot list resource \"secrets\" in API group \"\" in the namespace \"default\"",
            KubernetesJson.Deserialize<V1Status>(error.Response.Content).Message);
    }

    [Fact]
    public async Task RoleBinding_GrantsOnlyItsNamespace_AndClusterRoleBindingGrantsEverywhere()
    {
        await using var world = await KubeTestWorld.StartAsync();
        using var sa = ClientFor(world, world.Server.AddServiceAccountToken("servicetoken-system", "operator"));
        await world.Client.RbacAuthorizationV1.CreateNamespacedRoleAsync(
            new V1Role { Metadata = new V1ObjectMeta { Name = "secrets" }, Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["secrets"], Verbs = ["get", "list"] }] },
            "default");
        await world.Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(
            new V1RoleBinding
            {
                Metadata = new V1ObjectMeta { Name = "secrets" },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "secrets" },
                Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "operator", NamespaceProperty = "servicetoken-system" }],
            },
            "default");

        var allowed = await sa.CoreV1.ListNamespacedSecretAsync("default");
        var otherNamespace = await Assert.ThrowsAsync<HttpOperationException>(() => sa.CoreV1.ListNamespacedSecretAsync("kube-system"));
        var otherVerb = await Assert.ThrowsAsync<HttpOperationException>(() =>
            sa.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s" } }, "default"));
        await world.Client.RbacAuthorizationV1.CreateClusterRoleAsync(
            new V1ClusterRole { Metadata = new V1ObjectMeta { Name = "all-secrets" }, Rules = [new V1PolicyRule { ApiGroups = ["*"], Resources = ["secrets"], Verbs = ["*"] }] });
        await world.Client.RbacAuthorizationV1.CreateClusterRoleBindingAsync(
            new V1ClusterRoleBinding
            {
                Metadata = new V1ObjectMeta { Name = "all-secrets" },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "all-secrets" },
                Subjects = [new Rbacv1Subject { Kind = "Group", Name = "system:serviceaccounts:servicetoken-system" }],
            });
        var created = await sa.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s" } }, "kube-system");

        Assert.NotNull(allowed.Items);
        Assert.Equal(403, (int)otherNamespace.Response.StatusCode);
        Assert.Equal(403, (int)otherVerb.Response.StatusCode);
        Assert.Equal("s", created.Metadata.Name);
    }

    [Fact]
    public async Task SelfSubjectAccessReview_AnswersForTheCaller()
    {
        await using var world = await KubeTestWorld.StartAsync();
        using var sa = ClientFor(world, world.Server.AddServiceAccountToken("default", "reader"));
        var review = new V1SelfSubjectAccessReview
        {
            Spec = new V1SelfSubjectAccessReviewSpec { ResourceAttributes = new V1ResourceAttributes { Verb = "list", Resource = "secrets", NamespaceProperty = "default" } },
        };

        var asAdmin = await world.Client.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(review);
        var asReader = await sa.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(review);

        Assert.True(asAdmin.Status.Allowed);
        Assert.False(asReader.Status.Allowed);
    }

    private static k8s.Kubernetes ClientFor(KubeTestWorld world, string token) =>
        new(new KubernetesClientConfiguration { Host = world.Server.BaseUri.ToString(), AccessToken = token });
}
