using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>
/// RBAC as the apiserver evaluates it: system:masters may do anything; anyone else needs a rule of a
/// ClusterRole bound by a ClusterRoleBinding, or of a Role or ClusterRole bound by a RoleBinding in the
/// request's namespace. Non-resource requests (discovery, OpenAPI) are open to every authenticated user.
/// </summary>
internal sealed class RbacAuthorizer(ObjectStore store) : IKubeAuthorizer
{
    private const string Rbac = "rbac.authorization.k8s.io";

    public bool Allows(KubeUser user, KubeRequestAttributes request)
    {
        if (user.Groups.Contains("system:masters"))
        {
            return true;
        }

        foreach (var binding in store.Snapshot($"{Rbac}/clusterrolebindings"))
        {
            if (Binds(binding, user, bindingNamespace: null) && RoleRules(binding, bindingNamespace: null).Any(r => RuleAllows(r, request)))
            {
                return true;
            }
        }

        if (request.Namespace is null)
        {
            return false;
        }

        foreach (var binding in store.Snapshot($"{Rbac}/rolebindings").Where(b => b["metadata"]?["namespace"]?.GetValue<string>() == request.Namespace))
        {
            if (Binds(binding, user, request.Namespace) && RoleRules(binding, request.Namespace).Any(r => RuleAllows(r, request)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Binds(JsonObject binding, KubeUser user, string? bindingNamespace)
    {
        foreach (var subject in (binding["subjects"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = subject["name"]?.GetValue<string>();
            var matches = subject["kind"]?.GetValue<string>() switch
            {
                "User" => name == user.Name,
                "Group" => name is not null && user.Groups.Contains(name),
                "ServiceAccount" => user.Name == $"system:serviceaccount:{subject["namespace"]?.GetValue<string>() ?? bindingNamespace}:{name}",
                _ => false,
            };
            if (matches)
            {
                return true;
            }
        }

        return false;
    }

    private IEnumerable<JsonObject> RoleRules(JsonObject binding, string? bindingNamespace)
    {
        var roleRef = binding["roleRef"];
        var kind = roleRef?["kind"]?.GetValue<string>();
        var name = roleRef?["name"]?.GetValue<string>();
        var role = kind switch
        {
            "ClusterRole" => store.Snapshot($"{Rbac}/clusterroles").FirstOrDefault(r => r["metadata"]?["name"]?.GetValue<string>() == name),
            "Role" when bindingNamespace is not null => store.Snapshot($"{Rbac}/roles")
                .FirstOrDefault(r => r["metadata"]?["name"]?.GetValue<string>() == name && r["metadata"]?["namespace"]?.GetValue<string>() == bindingNamespace),
            _ => null,
        };
        return (role?["rules"] as JsonArray ?? []).OfType<JsonObject>();
    }

    private static bool RuleAllows(JsonObject rule, KubeRequestAttributes request)
    {
        var resource = request.Subresource is null ? request.Resource : $"{request.Resource}/{request.Subresource}";
        if (!Has(rule["verbs"], request.Verb) || !Has(rule["apiGroups"], request.Group) || !Has(rule["resources"], resource))
        {
            return false;
        }

        return rule["resourceNames"] is not JsonArray { Count: > 0 } names
            || (request.Name is not null && names.Any(n => n?.GetValue<string>() == request.Name));
    }

    private static bool Has(JsonNode? list, string value) =>
        list is JsonArray items && items.Any(i => i?.GetValue<string>() is { } v && (v == "*" || v == value));
}
