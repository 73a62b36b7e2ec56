using System.Net.Http.Json;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Logging;
using ServiceTokenOperator.Api;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Hosting;
using ServiceTokenOperator.Sandbox.World;

namespace ServiceTokenOperator.IntegrationTests.Controllers;

/// <summary>
/// A sandbox world and a real operator host started with options a test chooses (cluster id, sweep timings), for
/// tests whose settings differ from <see cref="OperatorWorld"/>'s. One per test: faults and sweeps stay isolated.
/// </summary>
internal sealed class TunedOperatorWorld : IAsyncDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "st-tuned-" + Guid.NewGuid().ToString("N")[..8]);
    private OperatorHost? _host;

    private TunedOperatorWorld()
    {
    }

    public SandboxWorld World { get; private set; } = null!;

    public IKubernetes Client { get; private set; } = null!;

    public static async Task<TunedOperatorWorld> StartAsync(Action<OperatorOptions> configure)
    {
        var tuned = new TunedOperatorWorld();
        tuned.World = await SandboxWorld.StartAsync(new SandboxWorldOptions { Dir = tuned._dir, CrdYamls = CrdManifests.All().Select(c => c.Yaml).ToList() });
        tuned.Client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(tuned.World.KubeconfigPath));
        var options = new OperatorOptions
        {
            Kubeconfig = tuned.World.KubeconfigPath,
            MetricsPort = 0,
            Namespace = tuned.World.Options.OperatorNamespace,
            MinRotationPeriod = TimeSpan.FromSeconds(5),
        };
        configure(options);
        tuned._host = await OperatorHost.StartAsync(options, logging => logging.SetMinimumLevel(LogLevel.Warning), loopbackOnly: true);
        return tuned;
    }

    public async Task ApplyAsync(string yaml, string? @namespace = "default")
    {
        using var applier = World.CreateApplier();
        await applier.ApplyAsync(yaml, @namespace, CancellationToken.None);
    }

    public Task<ServiceToken?> GetTokenAsync(string @namespace, string name) => GetAsync<ServiceToken>(@namespace, ServiceToken.Plural, name);

    public Task<TokenIssuer?> GetTokenIssuerAsync(string @namespace, string name) => GetAsync<TokenIssuer>(@namespace, TokenIssuer.Plural, name);

    public async Task<ClusterTokenIssuer?> GetClusterIssuerAsync(string name)
    {
        try
        {
            var element = await Client.CustomObjects.GetClusterCustomObjectAsync<JsonElement>(ApiGroup.Group, ApiGroup.VersionName, ClusterTokenIssuer.Plural, name);
            return JsonSerializer.Deserialize<ClusterTokenIssuer>(element.GetRawText());
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Creates a PlanetScale token straight through the vendor API, as another cluster or a person would.</summary>
    public async Task<string> CreatePlanetScaleTokenAsync(string name)
    {
        using var http = new HttpClient { BaseAddress = World.PlanetScale.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/organizations/{World.PlanetScale.Organization}/service-tokens")
        {
            Content = JsonContent.Create(new { name }),
        };
        request.Headers.TryAddWithoutValidation("Authorization", $"{World.PlanetScale.AdminTokenId}:{World.PlanetScale.AdminToken}");
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Deletes a PlanetScale token through the vendor API with the admin credential (even the admin credential itself).</summary>
    public async Task DeletePlanetScaleTokenAsync(string id)
    {
        using var http = new HttpClient { BaseAddress = World.PlanetScale.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/v1/organizations/{World.PlanetScale.Organization}/service-tokens/{id}");
        request.Headers.TryAddWithoutValidation("Authorization", $"{World.PlanetScale.AdminTokenId}:{World.PlanetScale.AdminToken}");
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    private async Task<T?> GetAsync<T>(string @namespace, string plural, string name)
        where T : class
    {
        try
        {
            var element = await Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(ApiGroup.Group, ApiGroup.VersionName, @namespace, plural, name);
            return JsonSerializer.Deserialize<T>(element.GetRawText());
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        Client?.Dispose();
        if (World is not null) await World.DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind harms nothing.
        }
    }
}
