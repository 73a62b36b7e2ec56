using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ServiceTokenOperator.Sandbox.Vendors;

/// <summary>
/// The <c>/_sandbox/</c> prefix every simulator serves beside its vendor API (design.md §5): the real vendors
/// have no such paths, so tests can inspect and steer a simulator without touching the contract.
/// </summary>
public static class InspectionEndpoints
{
    public const string Prefix = "/_sandbox";

    /// <summary>Maps <c>GET /_sandbox/tokens</c>, <c>GET</c> and <c>POST /_sandbox/faults</c>.</summary>
    public static void MapSandboxInspection(this IEndpointRouteBuilder app, Func<IReadOnlyList<SandboxTokenRecord>> tokens, FaultPlan faults)
    {
        app.MapGet(Prefix + "/tokens", () => Results.Json(tokens()));
        app.MapGet(Prefix + "/faults", () => Results.Json(faults.Settings));
        app.MapPost(Prefix + "/faults", (FaultSettings settings) =>
        {
            faults.Apply(settings);
            return Results.Json(faults.Settings);
        });
    }

    /// <summary>True for the inspection paths, which faults and rate limits never touch.</summary>
    public static bool IsInspection(PathString path) => path.StartsWithSegments(Prefix, StringComparison.Ordinal);
}
