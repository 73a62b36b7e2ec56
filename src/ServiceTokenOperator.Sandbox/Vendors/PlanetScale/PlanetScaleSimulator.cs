using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using ServiceTokenOperator.Sandbox.Hosting;

namespace ServiceTokenOperator.Sandbox.Vendors.PlanetScale;

/// <summary>
/// PlanetScale's service-token API (vendor-contracts.md "PlanetScale") on a loopback port, with the sandbox's
/// <c>/_sandbox/tokens</c> and <c>/_sandbox/faults</c> beside it. The vendor API lives under
/// <c>{BaseUri}/v1/organizations/{org}/service-tokens</c>.
/// </summary>
/// <remarks>
/// The admin credential and <see cref="AddServiceToken"/> credentials are seeded: the vendor's list shows them,
/// as PlanetScale would, but <see cref="Tokens"/> (and <c>/_sandbox/tokens</c>) reports only tokens created
/// through the API, the ones a client issued.
/// </remarks>
public sealed class PlanetScaleSimulator : IAsyncDisposable
{
    private static readonly string[] DefaultDatabases = ["payments", "inventory"];

    private readonly LoopbackServer _server;
    private readonly PlanetScaleStore _store;
    private readonly PlanetScaleApi _api;

    private PlanetScaleSimulator(LoopbackServer server, PlanetScaleStore store, PlanetScaleApi api, FaultPlan faults, (string Id, string Token) admin)
    {
        _server = server;
        _store = store;
        _api = api;
        Faults = faults;
        AdminTokenId = admin.Id;
        AdminToken = admin.Token;
    }

    /// <summary>API base without <c>/v1</c> (what an issuer's apiUrl holds), e.g. http://127.0.0.1:5123.</summary>
    public Uri BaseUri => _server.BaseUri;

    public string Organization => _store.Organization;

    /// <summary>Id of the seeded admin service token (read_/write_/delete_service_tokens).</summary>
    public string AdminTokenId { get; }

    /// <summary>Secret of the seeded admin service token.</summary>
    public string AdminToken { get; }

    public FaultPlan Faults { get; }

    /// <summary>Vendor API requests received (faulted and rejected ones included; /_sandbox not counted).</summary>
    public long RequestCount => _api.RequestCount;

    public static async Task<PlanetScaleSimulator> StartAsync(PlanetScaleSimulatorOptions options, CancellationToken ct = default)
    {
        var store = new PlanetScaleStore(options.Organization, options.Databases ?? new HashSet<string>(DefaultDatabases), options.Time);
        var faults = new FaultPlan();
        var rateLimit = new RateLimitWindow(
            options.Time,
            () => faults.Settings.RateLimitPerMinute > 0 ? faults.Settings.RateLimitPerMinute : options.RateLimitPerMinute);
        var api = new PlanetScaleApi(store, faults, rateLimit);
        var admin = store.Seed(
            "sandbox-admin",
            [PlanetScaleAccessNames.ReadServiceTokens, PlanetScaleAccessNames.WriteServiceTokens, PlanetScaleAccessNames.DeleteServiceTokens]);

        var server = await LoopbackServer.StartAsync(
            options.Port,
            HttpProtocols.Http1,
            _ => { },
            app =>
            {
                app.MapSandboxInspection(store.Records, faults);
                app.Use(async (context, next) =>
                {
                    if (InspectionEndpoints.IsInspection(context.Request.Path)) await next(context);
                    else await api.HandleAsync(context);
                });
            },
            ct);
        return new PlanetScaleSimulator(server, store, api, faults, admin);
    }

    /// <summary>Every token created through the API, deleted ones included.</summary>
    public IReadOnlyList<SandboxTokenRecord> Tokens() => _store.Records();

    /// <summary>Test helper: a credential with exactly these organization accesses (e.g. only read_service_tokens).</summary>
    public (string Id, string Token) AddServiceToken(params string[] organizationAccesses)
    {
        foreach (var access in organizationAccesses)
        {
            if (!PlanetScaleAccessNames.Organization.Contains(access))
            {
                throw new ArgumentException($"'{access}' is not a PlanetScale organization access.", nameof(organizationAccesses));
            }
        }

        return _store.Seed("sandbox-helper", organizationAccesses);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
