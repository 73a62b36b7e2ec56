using ServiceTokenOperator.Sandbox.World;

namespace ServiceTokenOperator.IntegrationTests;

/// <summary>YAML the integration tests apply.</summary>
internal static class TestManifests
{
    /// <summary>
    /// A ServiceToken in the default namespace of the world, issued by a sandbox ClusterTokenIssuer.
    /// <paramref name="spec"/> holds further lines of its spec, indented two spaces (a raw string literal whose lines
    /// sit two spaces right of its closing quotes).
    /// </summary>
    public static string ServiceToken(string name, string issuer = SandboxWorld.PlanetScaleIssuer, string spec = "") => $"""
        apiVersion: servicetoken.dev/v1alpha1
        kind: ServiceToken
        metadata:
          name: {name}
        spec:
          issuerRef:
            kind: ClusterTokenIssuer
            name: {issuer}
        {spec}
        """;
}
