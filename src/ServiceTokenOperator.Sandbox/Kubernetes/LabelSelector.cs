using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>A parsed labelSelector query: <c>a=b, c!=d, e in (x,y), f notin (z), g, !h</c>.</summary>
internal sealed class LabelSelector
{
    private readonly IReadOnlyList<Requirement> _requirements;

    private LabelSelector(IReadOnlyList<Requirement> requirements) => _requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    public bool IsEmpty => _requirements.Count == 0;

    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<Requirement>();
        foreach (var raw in SplitTopLevel(text))
        {
            var term = raw.Trim();
            if (term.Length == 0)
            {
                continue;
            }

            requirements.Add(ParseTerm(term));
        }

        return new LabelSelector(requirements);
    }

    public bool Matches(JsonObject? obj)
    {
        var labels = obj?["metadata"]?["labels"] as JsonObject;
        foreach (var requirement in _requirements)
        {
            string? value = null;
            var has = labels is not null && labels.TryGetPropertyValue(requirement.Key, out var node) && node is not null
                && (value = node.GetValue<string>()) is not null;
            var ok = requirement.Operator switch
            {
                "exists" => has,
                "!" => !has,
                "=" => has && value == requirement.Values[0],
                "!=" => !has || value != requirement.Values[0],
                "in" => has && requirement.Values.Contains(value!),
                "notin" => !has || !requirement.Values.Contains(value!),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static Requirement ParseTerm(string term)
    {
        if (term.StartsWith('!'))
        {
            return new Requirement(ValidKey(term[1..].Trim()), "!", []);
        }

        foreach (var (op, name) in new[] { (" notin ", "notin"), (" in ", "in") })
        {
            var at = term.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                var set = term[(at + op.Length)..].Trim();
                if (!set.StartsWith('(') || !set.EndsWith(')'))
                {
                    throw Bad(term);
                }

                var values = set[1..^1].Split(',').Select(v => v.Trim()).Where(v => v.Length > 0).ToArray();
                return new Requirement(ValidKey(term[..at].Trim()), name, values);
            }
        }

        foreach (var (op, name) in new[] { ("!=", "!="), ("==", "="), ("=", "=") })
        {
            var at = term.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                return new Requirement(ValidKey(term[..at].Trim()), name, [term[(at + op.Length)..].Trim()]);
            }
        }

        return new Requirement(ValidKey(term), "exists", []);
    }

    private static string ValidKey(string key) =>
        key.Length == 0 || key.Any(c => char.IsWhiteSpace(c) || c is '(' or ')' or '=' or '!' or ',') ? throw Bad(key) : key;

    private static KubeApiException Bad(string term) =>
        KubeApiException.BadRequest($"unable to parse requirement: found '{term}', expected: in, notin, =, ==, !=, gt, lt");

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(')
            {
                depth++;
            }
            else if (text[i] == ')')
            {
                depth--;
            }
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }

    private sealed record Requirement(string Key, string Operator, string[] Values);
}
