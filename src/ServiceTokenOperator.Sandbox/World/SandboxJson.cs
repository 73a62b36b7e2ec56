using System.Text.Json;
using System.Text.Json.Nodes;
using ServiceTokenOperator.Sandbox.Vendors.Akka;
using ServiceTokenOperator.Sandbox.Vendors.PlanetScale;
using ServiceTokenOperator.Sandbox.Vendors.Upsun;

namespace ServiceTokenOperator.Sandbox.World;

/// <summary>The parts of sandbox.json (design.md §5) shared by the whole sandbox and the vendors-only one.</summary>
internal static class SandboxJson
{
    /// <summary>The <c>vendors</c> object; <paramref name="url"/> turns a simulator address into the URL clients use.</summary>
    public static JsonObject Vendors(PlanetScaleSimulator planetScale, UpsunSimulator upsun, UpsunSimulator platformsh, AkkaSimulator akka, Func<Uri, string> url) => new()
    {
        ["planetscale"] = new JsonObject
        {
            ["url"] = url(planetScale.BaseUri),
            ["inspectUrl"] = url(planetScale.BaseUri),
            ["organization"] = planetScale.Organization,
            ["adminTokenId"] = planetScale.AdminTokenId,
            ["adminToken"] = planetScale.AdminToken,
        },
        ["upsun"] = UpsunVendor(upsun, url),
        ["platformsh"] = UpsunVendor(platformsh, url),
        ["akka"] = new JsonObject
        {
            ["grpcUrl"] = url(akka.GrpcUrl),
            ["inspectUrl"] = url(akka.InspectUrl),
            ["project"] = akka.Project,
            ["adminRefreshToken"] = akka.AdminRefreshToken,
        },
    };

    /// <summary>A URL without the trailing slash <see cref="Uri.ToString"/> adds.</summary>
    public static string Url(Uri uri) => uri.ToString().TrimEnd('/');

    /// <summary>Writes <paramref name="document"/> to <c>{dir}/sandbox.json</c> at once and answers its absolute path.</summary>
    public static async Task<string> WriteAsync(string dir, JsonObject document, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(Path.Combine(dir, "sandbox.json"));
        // Written aside and moved into place: scripts poll for the file and must never read half of it.
        var partial = path + ".partial";
        await File.WriteAllTextAsync(partial, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        File.Move(partial, path, overwrite: true);
        return path;
    }

    private static JsonObject UpsunVendor(UpsunSimulator simulator, Func<Uri, string> url) => new()
    {
        ["apiUrl"] = url(simulator.ApiUrl),
        ["authUrl"] = url(simulator.AuthUrl),
        ["inspectUrl"] = url(simulator.InspectUrl),
        ["adminApiToken"] = simulator.AdminApiToken,
    };
}
