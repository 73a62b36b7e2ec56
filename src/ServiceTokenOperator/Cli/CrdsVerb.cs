using ServiceTokenOperator.Api;

namespace ServiceTokenOperator.Cli;

/// <summary><c>crds</c>: prints the CRDs as one YAML stream, for <c>kubectl apply -f -</c>.</summary>
internal static class CrdsVerb
{
    public static int Run(TextWriter output)
    {
        foreach (var (_, yaml) in CrdManifests.All())
        {
            output.WriteLine("---");
            output.Write(yaml);
        }

        return 0;
    }
}
