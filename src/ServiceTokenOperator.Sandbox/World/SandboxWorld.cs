using System.Text.Json.Nodes;
using ServiceTokenOperator.Sandbox.Kubernetes;
using ServiceTokenOperator.Sandbox.Vendors;
using ServiceTokenOperator.Sandbox.Vendors.Akka;
using ServiceTokenOperator.Sandbox.Vendors.PlanetScale;
using ServiceTokenOperator.Sandbox.Vendors.Upsun;

namespace ServiceTokenOperator.Sandbox.World;

/// <summary>
/// Everything the operator talks to, on loopback (design.md §5): the Kubernetes API with the CRDs registered, one
/// simulator per vendor, a ClusterTokenIssuer per simulator (sandbox-planetscale, sandbox-upsun, sandbox-platformsh,
/// sandbox-akka) and the kubeconfig and sandbox.json other tools read.
/// </summary>
public sealed class SandboxWorld : IAsyncDisposable
{
    public const string PlanetScaleIssuer = "sandbox-planetscale";
    public const string UpsunIssuer = "sandbox-upsun";
    public const string PlatformshIssuer = "sandbox-platformsh";
    public const string AkkaIssuer = "sandbox-akka";

    private SandboxWorld(SandboxWorldOptions options, KubeApiServer kube, PlanetScaleSimulator planetScale, UpsunSimulator upsun, UpsunSimulator platformsh, AkkaSimulator akka, string kubeconfigPath)
    {
        Options = options;
        Kube = kube;
        PlanetScale = planetScale;
        Upsun = upsun;
        Platformsh = platformsh;
        Akka = akka;
        KubeconfigPath = kubeconfigPath;
    }

    public SandboxWorldOptions Options { get; }
    public KubeApiServer Kube { get; }
    public PlanetScaleSimulator PlanetScale { get; }
    public UpsunSimulator Upsun { get; }
    public UpsunSimulator Platformsh { get; }
    public AkkaSimulator Akka { get; }

    /// <summary>Absolute path of the admin kubeconfig.</summary>
    public string KubeconfigPath { get; }

    public static async Task<SandboxWorld> StartAsync(SandboxWorldOptions options, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(options.Dir);
        var kube = await KubeApiServer.StartAsync(new KubeApiOptions { Time = options.Time }, cancellationToken);
        var kubeconfig = kube.WriteKubeconfig(Path.Combine(options.Dir, "kubeconfig"));
        var planetScale = await PlanetScaleSimulator.StartAsync(new PlanetScaleSimulatorOptions { Time = options.Time }, cancellationToken);
        var upsun = await UpsunSimulator.StartAsync(new UpsunSimulatorOptions { Time = options.Time, Brand = "upsun" }, cancellationToken);
        var platformsh = await UpsunSimulator.StartAsync(new UpsunSimulatorOptions { Time = options.Time, Brand = "platformsh" }, cancellationToken);
        var akka = await AkkaSimulator.StartAsync(new AkkaSimulatorOptions { Time = options.Time }, cancellationToken);
        var world = new SandboxWorld(options, kube, planetScale, upsun, platformsh, akka, kubeconfig);
        if (options.VendorLatencyMs > 0)
        {
            foreach (var faults in world.AllFaults) faults.Apply(new FaultSettings { LatencyMs = options.VendorLatencyMs });
        }

        using var applier = world.CreateApplier();
        foreach (var crd in options.CrdYamls) await applier.ApplyAsync(crd, null, cancellationToken);
        await applier.ApplyAsync(world.IssuerManifests(), options.OperatorNamespace, cancellationToken);
        return world;
    }

    public IEnumerable<FaultPlan> AllFaults => [PlanetScale.Faults, Upsun.Faults, Platformsh.Faults, Akka.Faults];

    public ManifestApplier CreateApplier() => new(Kube.BaseUri, Kube.AdminToken);

    /// <summary>Writes sandbox.json, the contract other tools read (design.md §5); <paramref name="operatorBase"/> is absent with --world-only.</summary>
    public async Task<string> WriteSandboxJsonAsync(Uri? operatorBase, CancellationToken cancellationToken = default)
    {
        var document = new JsonObject
        {
            ["kubeApi"] = Url(Kube.BaseUri),
            ["kubeconfig"] = KubeconfigPath,
            ["vendors"] = SandboxJson.Vendors(PlanetScale, Upsun, Platformsh, Akka, Url),
        };
        if (operatorBase is not null)
        {
            document["operator"] = new JsonObject
            {
                ["metricsUrl"] = $"{Url(operatorBase)}/metrics",
                ["healthzUrl"] = $"{Url(operatorBase)}/healthz",
                ["readyzUrl"] = $"{Url(operatorBase)}/readyz",
            };
        }

        return await SandboxJson.WriteAsync(Options.Dir, document, cancellationToken);
    }

    private static string Url(Uri uri) => SandboxJson.Url(uri);

    /// <summary>Credential Secrets and ClusterTokenIssuers for the four simulators.</summary>
    private string IssuerManifests() => $"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: {Options.OperatorNamespace}
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: {PlanetScaleIssuer}-credentials
        stringData:
          PLANETSCALE_SERVICE_TOKEN_ID: "{PlanetScale.AdminTokenId}"
          PLANETSCALE_SERVICE_TOKEN: "{PlanetScale.AdminToken}"
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: {UpsunIssuer}-credentials
        stringData:
          UPSUN_CLI_TOKEN: "{Upsun.AdminApiToken}"
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: {PlatformshIssuer}-credentials
        stringData:
          PLATFORMSH_CLI_TOKEN: "{Platformsh.AdminApiToken}"
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: {AkkaIssuer}-credentials
        stringData:
          AKKA_TOKEN: "{Akka.AdminRefreshToken}"
        ---
        apiVersion: servicetoken.dev/v1alpha1
        kind: ClusterTokenIssuer
        metadata:
          name: {PlanetScaleIssuer}
        spec:
          planetscale:
            organization: "{PlanetScale.Organization}"
            apiUrl: "{Url(PlanetScale.BaseUri)}"
          credentialsSecretRef:
            name: {PlanetScaleIssuer}-credentials
        ---
        apiVersion: servicetoken.dev/v1alpha1
        kind: ClusterTokenIssuer
        metadata:
          name: {UpsunIssuer}
        spec:
          upsun:
            apiUrl: "{Url(Upsun.ApiUrl)}"
            authUrl: "{Url(Upsun.AuthUrl)}"
          credentialsSecretRef:
            name: {UpsunIssuer}-credentials
        ---
        apiVersion: servicetoken.dev/v1alpha1
        kind: ClusterTokenIssuer
        metadata:
          name: {PlatformshIssuer}
        spec:
          platformsh:
            apiUrl: "{Url(Platformsh.ApiUrl)}"
            authUrl: "{Url(Platformsh.AuthUrl)}"
          credentialsSecretRef:
            name: {PlatformshIssuer}-credentials
        ---
        apiVersion: servicetoken.dev/v1alpha1
        kind: ClusterTokenIssuer
        metadata:
          name: {AkkaIssuer}
        spec:
          akka:
            project: "{Akka.Project}"
            apiHost: "{Akka.GrpcUrl.Host}:{Akka.GrpcUrl.Port}"
            insecure: true
          credentialsSecretRef:
            name: {AkkaIssuer}-credentials
        """;

    public async ValueTask DisposeAsync()
    {
        await Akka.DisposeAsync();
        await Platformsh.DisposeAsync();
        await Upsun.DisposeAsync();
        await PlanetScale.DisposeAsync();
        await Kube.DisposeAsync();
    }
}
