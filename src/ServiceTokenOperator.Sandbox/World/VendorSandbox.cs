using System.Text.Json.Nodes;
using ServiceTokenOperator.Sandbox.Hosting;
using ServiceTokenOperator.Sandbox.Vendors;
using ServiceTokenOperator.Sandbox.Vendors.Akka;
using ServiceTokenOperator.Sandbox.Vendors.PlanetScale;
using ServiceTokenOperator.Sandbox.Vendors.Upsun;

namespace ServiceTokenOperator.Sandbox.World;

/// <summary>
/// The four vendor simulators without the Kubernetes API (<c>sandbox --vendors-only</c>): what a real cluster's
/// operator talks to in tests/e2e. They bind <see cref="VendorSandboxOptions.ListenAddress"/> and sandbox.json names
/// them by <see cref="VendorSandboxOptions.AdvertiseHost"/>, the name the cluster resolves to this machine.
/// </summary>
public sealed class VendorSandbox : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _started;

    private VendorSandbox(VendorSandboxOptions options, List<IAsyncDisposable> started)
    {
        Options = options;
        _started = started;
    }

    public VendorSandboxOptions Options { get; }
    public PlanetScaleSimulator PlanetScale { get; private set; } = null!;
    public UpsunSimulator Upsun { get; private set; } = null!;
    public UpsunSimulator Platformsh { get; private set; } = null!;
    public AkkaSimulator Akka { get; private set; } = null!;

    public IEnumerable<FaultPlan> AllFaults => [PlanetScale.Faults, Upsun.Faults, Platformsh.Faults, Akka.Faults];

    public static async Task<VendorSandbox> StartAsync(VendorSandboxOptions options, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(options.Dir);
        var sandbox = new VendorSandbox(options, []);
        try
        {
            using (LoopbackServer.ListenOn(options.ListenAddress))
            {
                sandbox.PlanetScale = await sandbox.Started(PlanetScaleSimulator.StartAsync(new PlanetScaleSimulatorOptions { Time = options.Time }, cancellationToken));
                sandbox.Upsun = await sandbox.Started(UpsunSimulator.StartAsync(new UpsunSimulatorOptions { Time = options.Time, Brand = "upsun" }, cancellationToken));
                sandbox.Platformsh = await sandbox.Started(UpsunSimulator.StartAsync(new UpsunSimulatorOptions { Time = options.Time, Brand = "platformsh" }, cancellationToken));
                sandbox.Akka = await sandbox.Started(AkkaSimulator.StartAsync(new AkkaSimulatorOptions { Time = options.Time }, cancellationToken));
            }
        }
        catch
        {
            await sandbox.DisposeAsync();
            throw;
        }

        if (options.VendorLatencyMs > 0)
        {
            foreach (var faults in sandbox.AllFaults) faults.Apply(new FaultSettings { LatencyMs = options.VendorLatencyMs });
        }

        return sandbox;
    }

    /// <summary>The URL a client elsewhere uses for a simulator: its port, on the advertised host.</summary>
    public string AdvertisedUrl(Uri uri) =>
        Options.AdvertiseHost is { } host ? SandboxJson.Url(new UriBuilder(uri) { Host = host }.Uri) : SandboxJson.Url(uri);

    /// <summary>Writes sandbox.json (design.md §5) with the vendors only: no <c>kubeApi</c>, <c>kubeconfig</c> or <c>operator</c>.</summary>
    public Task<string> WriteSandboxJsonAsync(CancellationToken cancellationToken = default) =>
        SandboxJson.WriteAsync(
            Options.Dir,
            new JsonObject { ["vendors"] = SandboxJson.Vendors(PlanetScale, Upsun, Platformsh, Akka, AdvertisedUrl) },
            cancellationToken);

    public async ValueTask DisposeAsync()
    {
        for (var i = _started.Count - 1; i >= 0; i--) await _started[i].DisposeAsync();
        _started.Clear();
    }

    private async Task<T> Started<T>(Task<T> starting)
        where T : IAsyncDisposable
    {
        var simulator = await starting;
        _started.Add(simulator);
        return simulator;
    }
}
