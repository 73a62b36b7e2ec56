using System.Reflection;

namespace ServiceTokenOperator.Api;

/// <summary>The CRD manifests of config/crd, embedded in the binary for the <c>crds</c> verb and the sandbox.</summary>
internal static class CrdManifests
{
    /// <summary>File name → YAML text, in a stable order (issuers first, so ServiceTokens can refer to them).</summary>
    public static IReadOnlyList<(string Name, string Yaml)> All()
    {
        var assembly = typeof(CrdManifests).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("crd/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => (n["crd/".Length..], Read(assembly, n)))
            .ToList();
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
