using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Benchmarks;

/// <summary>
/// Finds servicetoken-operator.dll: the --operator-assembly option; else, by default, the operator published as the
/// image publishes it; with --operator build, the path recorded at build, else the repository's build output.
/// </summary>
internal static class OperatorAssembly
{
    private const string FileName = "servicetoken-operator.dll";

    public static async Task<string> LocateAsync(BenchOptions options, Action<string> say, CancellationToken ct)
    {
        if (options.OperatorAssembly is { } explicitPath)
        {
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : throw new FileNotFoundException($"--operator-assembly: {explicitPath} does not exist");
        }

        return options.Operator == "published" ? await PublishAsync(say, ct) : Built();
    }

    /// <summary>
    /// <c>dotnet publish -c Release -r RID</c> of the operator project, as the Dockerfile runs it (the project makes
    /// such a publish self-contained with the framework trimmed), into a fixed directory so that a second run is
    /// incremental. What ships is what is measured: the trimmed framework holds ≈ 30 MB less resident than the shared one.
    /// </summary>
    private static async Task<string> PublishAsync(Action<string> say, CancellationToken ct)
    {
        var project = Recorded("OperatorProject") ?? throw new FileNotFoundException("the operator project path was not recorded at build: pass --operator-assembly");
        var rid = RuntimeInformation.RuntimeIdentifier;
        var output = Path.Combine(Path.GetTempPath(), "servicetoken-bench-operator", rid);
        say($"publishing the operator as the image does: dotnet publish -c Release -r {rid} -o {output}");
        await Dotnet.RunAsync(["publish", project, "-c", "Release", "-r", rid, "-o", output, "--nologo", "-v", "quiet"], ct);
        return Path.Combine(output, FileName);
    }

    private static string? Recorded(string key) =>
        typeof(OperatorAssembly).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value is { Length: > 0 } value ? value : null;

    private static string Built()
    {

        var recorded = Recorded("OperatorAssembly");
        if (recorded is not null && File.Exists(recorded)) return recorded;

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
