namespace ServiceTokenOperator.IntegrationTests.Shipping;

/// <summary>Paths in the repository checkout the tests run from (found by walking up to Operator.sln).</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Chart => Of("charts", "servicetoken-operator");

    public static string Tools => Of(".tools");

    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Operator.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException($"no Operator.sln above {AppContext.BaseDirectory}: run the tests from the repository");
    }
}
