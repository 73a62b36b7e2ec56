namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>The built-in kinds the sandbox serves, with the discovery facts of a v1.32 cluster.</summary>
internal static class BuiltInResources
{
    public static IReadOnlyList<ResourceType> All { get; } =
    [
        new("", "v1", "namespaces", "namespace", "Namespace", false) { ShortNames = ["ns"], HasStatus = true, Verbs = ["create", "delete", "get", "list", "patch", "update", "watch"] },
        new("", "v1", "secrets", "secret", "Secret", true),
        new("", "v1", "configmaps", "configmap", "ConfigMap", true) { ShortNames = ["cm"] },
        new("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true) { ShortNames = ["sa"] },
        new("", "v1", "events", "event", "Event", true) { ShortNames = ["ev"] },
        new("", "v1", "services", "service", "Service", true) { ShortNames = ["svc"], Categories = ["all"], HasStatus = true },
        new("", "v1", "pods", "pod", "Pod", true) { ShortNames = ["po"], Categories = ["all"], HasStatus = true },
        new("", "v1", "endpoints", "endpoints", "Endpoints", true) { ShortNames = ["ep"] },
        new("", "v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true) { ShortNames = ["pvc"], HasStatus = true },
        new("", "v1", "nodes", "node", "Node", false) { ShortNames = ["no"], HasStatus = true },
        new("apps", "v1", "deployments", "deployment", "Deployment", true) { ShortNames = ["deploy"], Categories = ["all"], HasStatus = true, HasScale = true },
        new("apps", "v1", "statefulsets", "statefulset", "StatefulSet", true) { ShortNames = ["sts"], Categories = ["all"], HasStatus = true, HasScale = true },
        new("apps", "v1", "daemonsets", "daemonset", "DaemonSet", true) { ShortNames = ["ds"], Categories = ["all"], HasStatus = true },
        new("apps", "v1", "replicasets", "replicaset", "ReplicaSet", true) { ShortNames = ["rs"], Categories = ["all"], HasStatus = true, HasScale = true },
        new("batch", "v1", "jobs", "job", "Job", true) { Categories = ["all"], HasStatus = true },
        new("batch", "v1", "cronjobs", "cronjob", "CronJob", true) { ShortNames = ["cj"], Categories = ["all"], HasStatus = true },
        new("coordination.k8s.io", "v1", "leases", "lease", "Lease", true),
        new(EventConversion.Group, "v1", "events", "event", "Event", true) { ShortNames = ["ev"], StorageKey = "/events" },
        new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", false) { ShortNames = ["crd", "crds"], Categories = ["api-extensions"], HasStatus = true },
        new("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true),
        new("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", true),
        new("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", false),
        new("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false),
        new("policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", true) { ShortNames = ["pdb"], HasStatus = true },
        new("networking.k8s.io", "v1", "networkpolicies", "networkpolicy", "NetworkPolicy", true) { ShortNames = ["netpol"] },
        new("networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", true) { ShortNames = ["ing"], HasStatus = true },
        new("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "validatingwebhookconfiguration", "ValidatingWebhookConfiguration", false),
        new("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "mutatingwebhookconfiguration", "MutatingWebhookConfiguration", false),
        new("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "selfsubjectaccessreview", "SelfSubjectAccessReview", false) { Verbs = ["create"] },
        new("scheduling.k8s.io", "v1", "priorityclasses", "priorityclass", "PriorityClass", false) { ShortNames = ["pc"] },
    ];
}
