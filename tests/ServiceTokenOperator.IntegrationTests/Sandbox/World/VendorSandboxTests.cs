using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using ServiceTokenOperator.Akka.Grpc.Auth;
using ServiceTokenOperator.Api;
using ServiceTokenOperator.Cli;
using ServiceTokenOperator.Sandbox.World;

namespace ServiceTokenOperator.IntegrationTests.Sandbox.World;

/// <summary>
/// The vendors-only sandbox tests/e2e/k3d.sh runs on the host: simulators on the address asked for, sandbox.json naming
/// them by the host a cluster resolves. Bound to 127.0.0.1 here; the advertised name is never resolved.
/// </summary>
public sealed class VendorSandboxTests : IAsyncLifetime
{
    private const string Advertised = "vendors.e2e.test";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "st-vendors-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly HttpClient _http = new();
    private VendorSandbox _vendors = null!;
    private JsonObject _json = null!;

    public async Task InitializeAsync()
    {
        _vendors = await VendorSandbox.StartAsync(new VendorSandboxOptions { Dir = _dir, ListenAddress = IPAddress.Loopback, AdvertiseHost = Advertised });
        var path = await _vendors.WriteSandboxJsonAsync();
        _json = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _vendors.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void WriteSandboxJsonAsync_AdvertiseHost_NamesEverySimulatorByItOnItsBoundPort()
    {
        Assert.Equal(["vendors"], _json.Select(p => p.Key));
        var expected = new Dictionary<string, Uri>
        {
            ["planetscale.url"] = _vendors.PlanetScale.BaseUri,
            ["planetscale.inspectUrl"] = _vendors.PlanetScale.BaseUri,
            ["upsun.apiUrl"] = _vendors.Upsun.ApiUrl,
            ["upsun.authUrl"] = _vendors.Upsun.AuthUrl,
            ["upsun.inspectUrl"] = _vendors.Upsun.InspectUrl,
            ["platformsh.apiUrl"] = _vendors.Platformsh.ApiUrl,
            ["platformsh.authUrl"] = _vendors.Platformsh.AuthUrl,
            ["platformsh.inspectUrl"] = _vendors.Platformsh.InspectUrl,
            ["akka.grpcUrl"] = _vendors.Akka.GrpcUrl,
            ["akka.inspectUrl"] = _vendors.Akka.InspectUrl,
        };
        foreach (var (key, bound) in expected)
        {
            Assert.Equal("127.0.0.1", bound.Host);
            Assert.Equal($"http://{Advertised}:{bound.Port}", Field(key));
        }

        Assert.Equal(_vendors.PlanetScale.AdminTokenId, Field("planetscale.adminTokenId"));
        Assert.Equal(_vendors.PlanetScale.AdminToken, Field("planetscale.adminToken"));
        Assert.Equal(_vendors.PlanetScale.Organization, Field("planetscale.organization"));
        Assert.Equal(_vendors.Upsun.AdminApiToken, Field("upsun.adminApiToken"));
        Assert.Equal(_vendors.Platformsh.AdminApiToken, Field("platformsh.adminApiToken"));
        Assert.Equal(_vendors.Akka.AdminRefreshToken, Field("akka.adminRefreshToken"));
        Assert.Equal(_vendors.Akka.Project, Field("akka.project"));
    }

    [Fact]
    public async Task Simulators_ReachedOnBoundAddressWithSandboxJsonCredentials_IssueTokens()
    {
        // PlanetScale: a token created with the admin credential shows live at /_sandbox/tokens.
        var org = Field("planetscale.organization");
        using var create = new HttpRequestMessage(HttpMethod.Post, Bound("planetscale.url") + $"/v1/organizations/{org}/service-tokens")
        {
            Content = new StringContent("""{"name":"e2e"}""", Encoding.UTF8, "application/json"),
        };
        create.Headers.TryAddWithoutValidation("Authorization", $"{Field("planetscale.adminTokenId")}:{Field("planetscale.adminToken")}");
        using var created = await _http.SendAsync(create);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        var tokens = JsonNode.Parse(await _http.GetStringAsync(Bound("planetscale.inspectUrl") + "/_sandbox/tokens"))!.AsArray();
        Assert.Contains(tokens, t => (string?)t!["id"] == id && (bool)t["live"]!);

        // Upsun and Platform.sh: the admin API token is exchanged for an access token at the auth URL.
        foreach (var brand in (string[])["upsun", "platformsh"])
        {
            using var grant = new HttpRequestMessage(HttpMethod.Post, Bound($"{brand}.authUrl") + "/oauth2/token")
            {
                Content = new FormUrlEncodedContent([new("grant_type", "api_token"), new("api_token", Field($"{brand}.adminApiToken"))]),
            };
            grant.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(brand == "upsun" ? "upsun-cli:" : "platform-cli:")));
            using var granted = await _http.SendAsync(grant);
            Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
            Assert.IsType<JsonArray>(JsonNode.Parse(await _http.GetStringAsync(Bound($"{brand}.inspectUrl") + "/_sandbox/tokens")));
        }

        // Akka: the admin refresh token buys an access token over plaintext gRPC.
        using var channel = GrpcChannel.ForAddress(Bound("akka.grpcUrl"));
        var access = await new Auth.AuthClient(channel).CreateAccessTokenAsync(
            new CreateAccessTokenRequest(), new Grpc.Core.Metadata { { "authorization", "Bearer " + Field("akka.adminRefreshToken") } });
        Assert.NotEmpty(access.Token);
        Assert.IsType<JsonArray>(JsonNode.Parse(await _http.GetStringAsync(Bound("akka.inspectUrl") + "/_sandbox/tokens")));
    }

    [Fact]
    public async Task StartAsync_NoAdvertiseHost_WritesTheBoundLoopbackAddress()
    {
        var dir = _dir + "-plain";
        try
        {
            await using var plain = await VendorSandbox.StartAsync(new VendorSandboxOptions { Dir = dir });
            var json = JsonNode.Parse(await File.ReadAllTextAsync(await plain.WriteSandboxJsonAsync()))!;
            Assert.Equal($"http://127.0.0.1:{plain.PlanetScale.BaseUri.Port}", (string?)json["vendors"]!["planetscale"]!["url"]);
            Assert.Equal($"http://127.0.0.1:{plain.Akka.GrpcUrl.Port}", (string?)json["vendors"]!["akka"]!["grpcUrl"]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task SandboxVerb_VendorsOnlyListenAdvertise_WritesSandboxJsonAndExitsZeroOnStop()
    {
        var dir = _dir + "-verb";
        using var stop = new CancellationTokenSource();
        var run = SandboxVerb.RunAsync(["--vendors-only", "--listen", "127.0.0.1", "--advertise", Advertised, "--dir", dir], stop.Token);
        try
        {
            var path = Path.Combine(dir, "sandbox.json");
            var json = await Eventually.ValueAsync(
                async () => File.Exists(path) ? JsonNode.Parse(await File.ReadAllTextAsync(path)) : null,
                j => j is not null,
                "sandbox.json written");
            Assert.Null(json!["kubeApi"]);
            Assert.Null(json["operator"]);
            var inspect = new Uri((string)json["vendors"]!["upsun"]!["inspectUrl"]!);
            Assert.Equal(Advertised, inspect.Host);
            Assert.IsType<JsonArray>(JsonNode.Parse(await _http.GetStringAsync($"http://127.0.0.1:{inspect.Port}/_sandbox/tokens")));
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await run);
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task SandboxWorld_WriteSandboxJsonAsync_KeepsTheDesignShapeOnLoopback()
    {
        var dir = _dir + "-world";
        try
        {
            await using var world = await SandboxWorld.StartAsync(new SandboxWorldOptions { Dir = dir, CrdYamls = CrdManifests.All().Select(c => c.Yaml).ToList() });
            var json = JsonNode.Parse(await File.ReadAllTextAsync(await world.WriteSandboxJsonAsync(null)))!.AsObject();
            Assert.Equal(["kubeApi", "kubeconfig", "vendors"], json.Select(p => p.Key));
            Assert.Equal(["planetscale", "upsun", "platformsh", "akka"], json["vendors"]!.AsObject().Select(p => p.Key));
            Assert.Equal(["url", "inspectUrl", "organization", "adminTokenId", "adminToken"], json["vendors"]!["planetscale"]!.AsObject().Select(p => p.Key));
            Assert.Equal(["grpcUrl", "inspectUrl", "project", "adminRefreshToken"], json["vendors"]!["akka"]!.AsObject().Select(p => p.Key));
            Assert.Equal(world.Kube.BaseUri.ToString().TrimEnd('/'), (string?)json["kubeApi"]);
            Assert.Equal(world.Upsun.AuthUrl.ToString().TrimEnd('/'), (string?)json["vendors"]!["upsun"]!["authUrl"]);
            Assert.StartsWith("http://127.0.0.1:", (string?)json["vendors"]!["platformsh"]!["apiUrl"], StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private string Field(string dotted)
    {
        var parts = dotted.Split('.');
        return (string)_json["vendors"]![parts[0]]![parts[1]]!;
    }

    /// <summary>A sandbox.json URL on the address the simulators are bound to, as the host-side checks of k3d.sh use it.</summary>
    private string Bound(string dotted) => Field(dotted).Replace(Advertised, "127.0.0.1", StringComparison.Ordinal);
}
