using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using ServiceTokenOperator.Sandbox.Kubernetes;

namespace ServiceTokenOperator.IntegrationTests.Sandbox.Kubernetes;

/// <summary>A started sandbox API server with a KubernetesClient and a raw HttpClient pointed at it.</summary>
internal sealed class KubeTestWorld : IAsyncDisposable
{
    private KubeTestWorld(KubeApiServer server)
    {
        Server = server;
        Client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = server.BaseUri.ToString(), AccessToken = server.AdminToken });
        Http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.AdminToken);
    }

    public KubeApiServer Server { get; }

    public k8s.Kubernetes Client { get; }

    public HttpClient Http { get; }

    public static async Task<KubeTestWorld> StartAsync(KubeApiOptions? options = null) =>
        new(await KubeApiServer.StartAsync(options ?? new KubeApiOptions()));

    public async Task CreateWidgetCrdAsync()
    {
        var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(TestCrds.WidgetCrdYaml);
        await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
    }

    public static JsonObject Widget(string name, int size, string ns = "default") => new()
    {
        ["apiVersion"] = "example.dev/v1",
        ["kind"] = "Widget",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject { ["size"] = size },
    };

    public async Task<JsonObject> CreateWidgetAsync(JsonObject widget, string ns = "default") =>
        ToNode(await Client.CustomObjects.CreateNamespacedCustomObjectAsync(widget, "example.dev", "v1", ns, "widgets"));

    public async Task<JsonObject> GetWidgetAsync(string name, string ns = "default") =>
        ToNode(await Client.CustomObjects.GetNamespacedCustomObjectAsync("example.dev", "v1", ns, "widgets", name));

    public static JsonObject ToNode(object value) => JsonNode.Parse(KubernetesJson.Serialize(value))!.AsObject();

    public async Task<(int Code, JsonObject Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json", string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonNode.Parse(text)!.AsObject(), response);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
