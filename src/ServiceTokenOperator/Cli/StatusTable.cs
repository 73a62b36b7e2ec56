using System.Text;
using System.Text.Json;
using k8s;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Sandbox.World;

namespace ServiceTokenOperator.Cli;

/// <summary>The sandbox's live view: every ServiceToken, printed again whenever something in it changed.</summary>
internal static class StatusTable
{
    public static async Task RunAsync(SandboxWorld world, TextWriter output, CancellationToken cancellationToken)
    {
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(world.KubeconfigPath));
        var last = "";
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
        do
        {
            var list = await client.CustomObjects.ListClusterCustomObjectAsync<JsonElement>(ApiGroup.Group, ApiGroup.VersionName, ServiceToken.Plural, cancellationToken: cancellationToken);
            var tokens = list.GetProperty("items").EnumerateArray()
                .Select(i => JsonSerializer.Deserialize<ServiceToken>(i.GetRawText())!)
                .OrderBy(t => t.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(t => t.Metadata.Name, StringComparer.Ordinal)
                .ToList();
            var table = Render(tokens);
            if (table != last)
            {
                await output.WriteLineAsync(table);
                last = table;
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    internal static string Render(IReadOnlyList<ServiceToken> tokens)
    {
        var rows = new List<string[]> { new[] { "NAMESPACE", "NAME", "READY", "REASON", "ISSUER", "SECRET", "TOKEN ID", "REV", "NEXT ROTATION" } };
        rows.AddRange(tokens.Select(t =>
        {
            var ready = Conditions.Find(t.Status?.Conditions, ConditionTypes.Ready);
            return new[]
            {
                t.Metadata.NamespaceProperty, t.Metadata.Name, ready?.Status ?? "-", ready?.Reason ?? "-", t.Spec.IssuerRef.Name,
                t.Status?.SecretName ?? "-", t.Status?.TokenId ?? "-", t.Status?.Revision?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                t.Status?.NextRotationAt?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "-",
            };
        }));
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows) text.AppendLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        return text.ToString();
    }
}
