using System.Globalization;
using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.Cli;

/// <summary>
/// <c>plugin</c>: the verbs of <c>kubectl servicetoken</c> (deploy/kubectl/kubectl-servicetoken runs this binary with
/// <c>plugin</c>): <c>rotate NAME [-n NS]</c> asks for a new revision now, <c>status [NAME] [-n NS | -A]</c> prints a table.
/// </summary>
internal static class PluginVerb
{
    public const string Usage = """
        usage: kubectl servicetoken <command> [flags]
          rotate NAME [-n NAMESPACE]          issue a new revision now (sets the servicetoken.dev/rotate annotation)
          status [NAME] [-n NAMESPACE | -A]   print ServiceTokens as a table
        flags: --kubeconfig PATH, --context NAME (else KUBECONFIG, ~/.kube/config or in-cluster)
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, TimeProvider time, CancellationToken ct)
    {
        var command = args.Count > 0 ? args[0] : "help";
        if (command is "help" or "--help" or "-h")
        {
            await output.WriteLineAsync(Usage);
            return 0;
        }

        var (parsed, problem) = PluginArgs.Parse([.. args.Skip(1)]);
        if (parsed is null || command is not ("rotate" or "status"))
        {
            await error.WriteLineAsync(parsed is null ? $"{command}: {problem}" : $"unknown command \"{command}\"\n{Usage}");
            return 2;
        }

        var config = parsed.Kubeconfig is not null || parsed.Context is not null
            ? KubernetesClientConfiguration.BuildConfigFromConfigFile(parsed.Kubeconfig, parsed.Context)
            : KubernetesClientConfiguration.BuildDefaultConfig();
        var ns = parsed.Namespace ?? config.Namespace ?? "default";
        using var client = new Kubernetes(config);
        try
        {
            return command == "rotate"
                ? await RotateAsync(client, parsed, ns, output, error, time, ct)
                : await StatusAsync(client, parsed, ns, output, error, ct);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            await error.WriteLineAsync($"Error: servicetoken \"{parsed.Name}\" not found in namespace \"{ns}\"");
            return 1;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Forbidden)
        {
            await error.WriteLineAsync($"Error: forbidden: {e.Response.ReasonPhrase}");
            return 1;
        }
    }

    private static async Task<int> RotateAsync(Kubernetes client, PluginArgs args, string ns, TextWriter output, TextWriter error, TimeProvider time, CancellationToken ct)
    {
        if (args.Name is null || args.AllNamespaces)
        {
            await error.WriteLineAsync("rotate: needs exactly one ServiceToken NAME (and no -A)");
            return 2;
        }

        // Milliseconds, so that two requests within a second are still two distinct values, hence two rotations.
        var stamp = time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var patch = new { metadata = new { annotations = new Dictionary<string, string> { [SecretLabels.Rotate] = stamp } } };
        await client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(JsonSerializer.Serialize(patch), V1Patch.PatchType.MergePatch), ApiGroup.Group, ApiGroup.VersionName, ns, ServiceToken.Plural, args.Name, cancellationToken: ct);
        await output.WriteLineAsync($"servicetoken.servicetoken.dev/{args.Name} rotation requested ({SecretLabels.Rotate}={stamp})");
        return 0;
    }

    private static async Task<int> StatusAsync(Kubernetes client, PluginArgs args, string ns, TextWriter output, TextWriter error, CancellationToken ct)
    {
        List<ServiceToken> tokens;
        if (args.Name is not null)
        {
            var one = await client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(ApiGroup.Group, ApiGroup.VersionName, ns, ServiceToken.Plural, args.Name, ct);
            tokens = [JsonSerializer.Deserialize<ServiceToken>(one.GetRawText())!];
        }
        else
        {
            var list = args.AllNamespaces
                ? await client.CustomObjects.ListClusterCustomObjectAsync<JsonElement>(ApiGroup.Group, ApiGroup.VersionName, ServiceToken.Plural, cancellationToken: ct)
                : await client.CustomObjects.ListNamespacedCustomObjectAsync<JsonElement>(ApiGroup.Group, ApiGroup.VersionName, ns, ServiceToken.Plural, cancellationToken: ct);
            tokens = [.. list.GetProperty("items").EnumerateArray().Select(i => JsonSerializer.Deserialize<ServiceToken>(i.GetRawText())!)];
        }

        if (tokens.Count == 0)
        {
            await error.WriteLineAsync(args.AllNamespaces ? "No ServiceTokens found." : $"No ServiceTokens found in {ns} namespace.");
            return 0;
        }

        await output.WriteAsync(StatusTable.Render(
            [.. tokens.OrderBy(t => t.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(t => t.Metadata.Name, StringComparer.Ordinal)]));
        return 0;
    }
}
