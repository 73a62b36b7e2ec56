using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>
/// The subset of Kubernetes JSONPath that printer columns use: <c>.a.b</c>, <c>[0]</c>, <c>[*]</c>,
/// <c>['key']</c> and filters such as <c>[?(@.type=="Ready")]</c>.
/// </summary>
internal static class SimpleJsonPath
{
    public static IReadOnlyList<JsonNode?> Evaluate(JsonNode? root, string expression)
    {
        var text = expression.Trim();
        if (text.StartsWith('{') && text.EndsWith('}'))
        {
            text = text[1..^1];
        }

        if (text.StartsWith('$'))
        {
            text = text[1..];
        }

        IReadOnlyList<JsonNode?> current = [root];
        var i = 0;
        while (i < text.Length && current.Count > 0)
        {
            if (text[i] == '.')
            {
                var end = i + 1;
                while (end < text.Length && text[end] is not '.' and not '[')
                {
                    end++;
                }

                var name = text[(i + 1)..end];
                current = name.Length == 0 ? current : current.OfType<JsonObject>().Where(o => o.ContainsKey(name)).Select(o => o[name]).ToList();
                i = end;
            }
            else if (text[i] == '[')
            {
                var end = FindClose(text, i);
                var inner = text[(i + 1)..end].Trim();
                current = Bracket(current, inner);
                i = end + 1;
            }
            else
            {
                i++;
            }
        }

        return current;
    }

    private static int FindClose(string text, int open)
    {
        var depth = 0;
        var quote = '\0';
        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '[')
            {
                depth++;
            }
            else if (c == ']' && --depth == 0)
            {
                return i;
            }
        }

        return text.Length - 1;
    }

    private static List<JsonNode?> Bracket(IReadOnlyList<JsonNode?> nodes, string inner)
    {
        if (inner == "*")
        {
            return nodes.SelectMany(n => n switch
            {
                JsonArray a => a.ToList(),
                JsonObject o => o.Select(p => p.Value).ToList(),
                _ => [],
            }).ToList();
        }

        if (inner.StartsWith("?(", StringComparison.Ordinal) && inner.EndsWith(')'))
        {
            var filter = inner[2..^1].Trim();
            return nodes.OfType<JsonArray>().SelectMany(a => a).Where(item => FilterMatches(item, filter)).ToList();
        }

        if (inner.Length >= 2 && inner[0] is '\'' or '"')
        {
            var key = inner[1..^1];
            return nodes.OfType<JsonObject>().Where(o => o.ContainsKey(key)).Select(o => o[key]).ToList();
        }

        if (int.TryParse(inner, out var index))
        {
            return nodes.OfType<JsonArray>()
                .Select(a => index < 0 ? (a.Count + index >= 0 ? a[a.Count + index] : null) : (index < a.Count ? a[index] : null))
                .Where(n => n is not null).ToList();
        }

        return [];
    }

    private static bool FilterMatches(JsonNode? item, string filter)
    {
        foreach (var op in new[] { "==", "!=" })
        {
            var at = filter.IndexOf(op, StringComparison.Ordinal);
            if (at <= 0)
            {
                continue;
            }

            var left = filter[..at].Trim();
            var right = filter[(at + 2)..].Trim().Trim('"', '\'');
            var values = Evaluate(item, left.StartsWith('@') ? left[1..] : left);
            var actual = values.Count == 0 ? null : Format(values[0]);
            return op == "==" ? actual == right : actual != right;
        }

        var exists = filter.StartsWith('@') ? filter[1..] : filter;
        return Evaluate(item, exists).Count > 0;
    }

    /// <summary>A node as kubectl prints it: strings bare, everything else as JSON.</summary>
    public static string Format(JsonNode? node) =>
        node is null ? string.Empty : node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
}
