namespace ServiceTokenOperator.Api;

/// <summary>config/samples/sandbox, embedded so the <c>sandbox</c> verb works from any directory.</summary>
internal static class SampleManifests
{
    public static IReadOnlyList<string> Sandbox()
    {
        var assembly = typeof(SampleManifests).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("samples/sandbox/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return reader.ReadToEnd();
            })
            .ToList();
    }
}
