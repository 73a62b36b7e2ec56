using System.Text.RegularExpressions;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Providers;

namespace ServiceTokenOperator.Secrets;

/// <summary>
/// Turns a new token into Secret data: the vendor's documented keys by default, or the keys of
/// <c>spec.secret.template.data</c> whose values reference <c>{{ .token }}</c>, <c>{{ .tokenId }}</c>,
/// <c>{{ .tokenName }}</c> and the vendor's variables.
/// </summary>
internal static partial class SecretTemplateRenderer
{
    /// <summary>The default keys each vendor's consumers read (design.md §2), which templates may also reference.</summary>
    public static IReadOnlyList<string> DefaultKeys(string vendor) => vendor switch
    {
        Vendors.PlanetScale => ["PLANETSCALE_SERVICE_TOKEN_ID", "PLANETSCALE_SERVICE_TOKEN", "PLANETSCALE_ORG"],
        Vendors.Akka => ["AKKA_TOKEN", "AKKA_PROJECT"],
        Vendors.Upsun => ["UPSUN_CLI_TOKEN"],
        Vendors.Platformsh => ["PLATFORMSH_CLI_TOKEN"],
        _ => [],
    };

    /// <summary>The keys a rendered Secret holds: the template's, else the vendor's defaults.</summary>
    public static IReadOnlyList<string> Keys(SecretTemplate? template, string vendor) =>
        template?.Data is { } data ? [.. data.Keys] : DefaultKeys(vendor);

    /// <summary>Checks a template before any vendor call; the problem names the key.</summary>
    public static ConfigProblem? Validate(SecretTemplate? template, string vendor)
    {
        if (template?.Data is null) return null;
        var known = Variables(vendor);
        foreach (var (key, value) in template.Data)
        {
            if (!SecretKey().IsMatch(key))
                return new ConfigProblem($"spec.secret.template.data.{key}", "a Secret key may contain only letters, digits, '-', '_' and '.'");
            var open = value.Split("{{").Length - 1;
            var matches = Placeholder().Matches(value);
            if (open != matches.Count || value.Split("}}").Length - 1 != matches.Count)
                return new ConfigProblem($"spec.secret.template.data.{key}", "a placeholder must look like {{ .token }}");
            foreach (Match match in matches)
            {
                if (!known.Contains(match.Groups[1].Value))
                    return new ConfigProblem($"spec.secret.template.data.{key}", $"unknown variable .{match.Groups[1].Value}; known: {string.Join(", ", known.Select(k => "." + k))}");
            }
        }

        return null;
    }

    public static Dictionary<string, string> Render(SecretTemplate? template, IssuedToken token)
    {
        if (template?.Data is null) return token.Values.ToDictionary(p => p.Key, p => p.Value);
        var variables = new Dictionary<string, string>(token.Values.ToDictionary(p => p.Key, p => p.Value))
        {
            ["token"] = token.Values[token.Values.TokenKey],
            ["tokenId"] = token.TokenId,
            ["tokenName"] = token.Name,
        };
        return template.Data.ToDictionary(p => p.Key, p => Placeholder().Replace(p.Value, m => variables[m.Groups[1].Value]));
    }

    private static HashSet<string> Variables(string vendor) => ["token", "tokenId", "tokenName", .. DefaultKeys(vendor)];

    [GeneratedRegex(@"\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^[-._a-zA-Z0-9]+$")]
    private static partial Regex SecretKey();
}
