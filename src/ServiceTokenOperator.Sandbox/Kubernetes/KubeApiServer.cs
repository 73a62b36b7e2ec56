using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using ServiceTokenOperator.Sandbox.Hosting;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>
/// An in-process server that speaks the Kubernetes REST API well enough that KubernetesClient and kubectl
/// cannot tell it from a cluster: discovery, OpenAPI, CRUD and watch for built-ins and CRDs, schema
/// validation, Table output, finalizers, garbage collection, and injectable faults.
/// </summary>
public sealed class KubeApiServer : IAsyncDisposable
{
    private static readonly string[] SeedNamespaces = ["default", "kube-system", "kube-public", "servicetoken-system"];

    private readonly LoopbackServer _server;
    private readonly KubeRequestHandler _handler;
    private readonly ConcurrentDictionary<string, KubeUser> _tokens;
    private readonly ITimer _collector;

    private KubeApiServer(LoopbackServer server, KubeRequestHandler handler, ConcurrentDictionary<string, KubeUser> tokens, ITimer collector, KubeFaults faults, string adminToken)
    {
        _server = server;
        _handler = handler;
        _tokens = tokens;
        _collector = collector;
        Faults = faults;
        AdminToken = adminToken;
    }

    /// <summary>http://127.0.0.1:PORT, without a trailing slash.</summary>
    public Uri BaseUri => _server.BaseUri;

    /// <summary>Bearer token of a cluster-admin user (system:masters).</summary>
    public string AdminToken { get; }

    public KubeFaults Faults { get; }

    /// <summary>Total API requests served, failed ones included.</summary>
    public long RequestCount => _handler.RequestCount;

    /// <summary>Resource requests by verb (reads, writes, lists, watches) and by "verb resource".</summary>
    public KubeRequestStats Stats => _handler.Stats;

    /// <summary>Decides each authenticated request: RBAC over the stored Roles and bindings by default.</summary>
    public IKubeAuthorizer Authorizer
    {
        get => _handler.Authorizer;
        set => _handler.Authorizer = value;
    }

    public static async Task<KubeApiServer> StartAsync(KubeApiOptions options, CancellationToken ct = default)
    {
        var registry = new ResourceRegistry();
        var store = new ObjectStore(registry, options.Time, options.WatchCacheSize);
        var namespaces = registry.Find(string.Empty, "v1", "namespaces")!;
        foreach (var name in SeedNamespaces)
        {
            store.Create(namespaces, null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } }, new WriteOptions(false, "Ignore"));
        }

        var faults = new KubeFaults();
        faults.OnCompact(store.Compact);
        var adminToken = NewToken();
        var tokens = new ConcurrentDictionary<string, KubeUser>(StringComparer.Ordinal)
        {
            [adminToken] = new KubeUser("sandbox-admin", ["system:masters", "system:authenticated"]),
        };
        LoopbackServer? server = null;
        var handler = new KubeRequestHandler(
            store, registry, faults, new TableConverter(options.Time),
            token => tokens.TryGetValue(token, out var user) ? user : null,
            () => server!.BaseUri);
        handler.Authorizer = new RbacAuthorizer(store);
        server = await LoopbackServer.StartAsync(options.Port, HttpProtocols.Http1AndHttp2, _ => { }, app => app.Run(handler.HandleAsync), ct);
        var collector = options.Time.CreateTimer(_ => store.CollectOrphans(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return new KubeApiServer(server, handler, tokens, collector, faults, adminToken);
    }

    /// <summary>Issues a bearer token for another user (for RBAC tests and service-account identities).</summary>
    public string AddUser(string name, IReadOnlyList<string> groups)
    {
        var token = NewToken();
        _tokens[token] = new KubeUser(name, [.. groups, "system:authenticated"]);
        return token;
    }

    /// <summary>
    /// Issues a bearer token for a ServiceAccount identity (<c>system:serviceaccount:NS:NAME</c>, groups
    /// system:serviceaccounts and system:serviceaccounts:NS), whose requests RBAC decides.
    /// </summary>
    public string AddServiceAccountToken(string ns, string name) =>
        AddUser($"system:serviceaccount:{ns}:{name}", ["system:serviceaccounts", $"system:serviceaccounts:{ns}"]);

    /// <summary>Writes a kubeconfig whose current context points at this server; returns its absolute path.</summary>
    /// <param name="token">Bearer token of the user; the admin token when null.</param>
    public string WriteKubeconfig(string path, string? token = null)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var text = $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: sandbox
              cluster:
                server: {BaseUri.ToString().TrimEnd('/')}
            contexts:
            - name: sandbox
              context:
                cluster: sandbox
                user: sandbox-user
                namespace: default
            current-context: sandbox
            users:
            - name: sandbox-user
              user:
                token: {token ?? AdminToken}
            preferences: {"{}"}

            """;
        File.WriteAllText(full, text);
        return full;
    }

    public async ValueTask DisposeAsync()
    {
        _collector.Dispose();
        _handler.Stop();
        await _server.DisposeAsync();
    }

    private static string NewToken() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
}
