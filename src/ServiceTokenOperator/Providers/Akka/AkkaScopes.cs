using ServiceTokenOperator.Akka.Grpc.Auth;

namespace ServiceTokenOperator.Providers.Akka;

/// <summary>The service-token scopes users may write in <c>spec.akka.scopes</c>: the ones the Akka CLI offers.</summary>
internal static class AkkaScopes
{
    private static readonly Dictionary<string, TokenScope> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["all"] = TokenScope.All,
        ["container_registry"] = TokenScope.ContainerRegistry,
        ["execution"] = TokenScope.Execution,
        ["projects"] = TokenScope.Projects,
    };

    /// <summary>The first unknown scope, named by its field path; null when all are known.</summary>
    public static ConfigProblem? Validate(IReadOnlyList<string>? scopes)
    {
        if (scopes is null) return null;
        for (var i = 0; i < scopes.Count; i++)
        {
            if (!ByName.ContainsKey(scopes[i].Trim()))
            {
                return new ConfigProblem($"spec.akka.scopes[{i}]", $"unknown scope \"{scopes[i]}\"; expected one of all, container_registry, execution, projects");
            }
        }

        return null;
    }

    /// <summary>The scopes to request: ALL when none are set. Call <see cref="Validate"/> first.</summary>
    public static IReadOnlyList<TokenScope> Map(IReadOnlyList<string>? scopes)
    {
        if (scopes is null || scopes.Count == 0) return [TokenScope.All];
        return scopes.Select(s => ByName.TryGetValue(s.Trim(), out var scope)
                ? scope
                : throw new VendorException(VendorErrorKind.InvalidRequest, $"unknown Akka scope \"{s}\""))
            .Distinct()
            .ToList();
    }
}
