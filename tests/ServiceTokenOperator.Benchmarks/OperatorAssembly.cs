using System.Reflection;
using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Benchmarks;

/// <summary>Finds servicetoken-operator.dll: the --operator-assembly option, the path recorded at build, else the repository's build output.</summary>
internal static class OperatorAssembly
{
    private const string FileName = "servicetoken-operator.dll";

    public static string Locate(string? explicitPath)
    {
        if (explicitPath is not null)
        {
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : throw new FileNotFoundException($"--operator-assembly: {explicitPath} does not exist");
        }

        var recorded = typeof(OperatorAssembly).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "OperatorAssembly")?.Value;
        if (!string.IsNullOrEmpty(recorded) && File.Exists(recorded)) return recorded;

        // Built some other way (e.g. copied): look for src/ServiceTokenOperator/bin/<config>/net10.0 above us.
        var configuration = typeof(OperatorAssembly).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var config in new[] { configuration, "Release", "Debug" })
            {
                var candidate = Path.Combine(dir.FullName, "src", "ServiceTokenOperator", "bin", config, "net10.0", FileName);
                if (File.Exists(candidate)) return candidate;
            }
        }

        throw new FileNotFoundException($"{FileName} not found: build src/ServiceTokenOperator or pass --operator-assembly");
    }

    /// <summary>The GC the operator runs with, from its runtimeconfig.json (memory depends on it).</summary>
    public static string GcMode(string assembly)
    {
        var config = Path.ChangeExtension(assembly, ".runtimeconfig.json");
        if (!File.Exists(config)) return "unknown";
        var options = JsonNode.Parse(File.ReadAllText(config))?["runtimeOptions"]?["configProperties"];
        var server = options?["System.GC.Server"]?.ToString() ?? "default(false)";
        var concurrent = options?["System.GC.Concurrent"]?.ToString() ?? "default(true)";
        return $"server={server}, concurrent={concurrent}";
    }
}
