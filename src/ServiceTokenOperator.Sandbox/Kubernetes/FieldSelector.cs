using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>A parsed fieldSelector query: <c>metadata.name=x,metadata.namespace!=y</c> (any dotted field).</summary>
internal sealed class FieldSelector
{
    private readonly IReadOnlyList<(string Path, bool Equal, string Value)> _terms;

    private FieldSelector(IReadOnlyList<(string Path, bool Equal, string Value)> terms) => _terms = terms;

    public static FieldSelector Everything { get; } = new([]);

    public static FieldSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var terms = new List<(string, bool, string)>();
        foreach (var raw in text.Split(','))
        {
            var term = raw.Trim();
            if (term.Length == 0)
            {
                continue;
            }

            var at = term.IndexOf("!=", StringComparison.Ordinal);
            if (at > 0)
            {
                terms.Add((term[..at], false, term[(at + 2)..]));
                continue;
            }

            at = term.IndexOf("==", StringComparison.Ordinal);
            if (at > 0)
            {
                terms.Add((term[..at], true, term[(at + 2)..]));
                continue;
            }

            at = term.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0)
            {
                throw KubeApiException.BadRequest($"invalid selector: '{text}'; can't understand '{term}'");
            }

            terms.Add((term[..at], true, term[(at + 1)..]));
        }

        return new FieldSelector(terms);
    }

    /// <summary>The name a <c>metadata.name=x</c> term pins, which lets a list or watch skip every other object.</summary>
    public string? PinnedName => _terms.FirstOrDefault(t => t.Path == "metadata.name" && t.Equal).Value;

    public bool Matches(JsonObject obj)
    {
        foreach (var (path, equal, value) in _terms)
        {
            JsonNode? node = obj;
            foreach (var part in path.Split('.'))
            {
                node = node is JsonObject o ? o[part] : null;
            }

            var actual = node is null ? string.Empty
                : node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
            if ((actual == value) != equal)
            {
                return false;
            }
        }

        return true;
    }
}
