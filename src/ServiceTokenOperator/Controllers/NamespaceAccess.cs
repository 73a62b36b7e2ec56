using System.Text.RegularExpressions;
using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;

namespace ServiceTokenOperator.Controllers;

/// <summary>
/// Whether a namespace may use a ClusterTokenIssuer (<c>spec.conditions</c>, the semantics of External Secrets
/// Operator's ClusterSecretStore conditions): allowed when there are no conditions or any condition matches; a
/// condition matches when its selector, one of its names or one of its regular expressions does.
/// </summary>
internal static class NamespaceAccess
{
    // A regular expression comes from the issuer's author, not from the ServiceToken's: still, bound its cost.
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>The verdict, with the reason in words when the namespace is not allowed or cannot be judged yet.</summary>
    /// <param name="Allowed">True when the namespace may use the issuer.</param>
    /// <param name="Unknown">True when the answer needs the namespace's labels and they are not known (yet).</param>
    public sealed record Verdict(bool Allowed, bool Unknown, string Message);

    /// <param name="labels">The namespace's labels; null when the namespace is not in the cache.</param>
    public static Verdict Check(IReadOnlyList<ClusterIssuerCondition>? conditions, string @namespace, IReadOnlyDictionary<string, string>? labels)
    {
        if (conditions is null || conditions.Count == 0) return new(true, false, "");
        var needsLabels = false;
        for (var i = 0; i < conditions.Count; i++)
        {
            var condition = conditions[i];
            if (condition.Namespaces?.Contains(@namespace, StringComparer.Ordinal) == true) return new(true, false, "");
            var regexes = condition.NamespaceRegexes ?? [];
            for (var r = 0; r < regexes.Count; r++)
            {
                try
                {
                    if (Regex.IsMatch(@namespace, $"^(?:{regexes[r]})$", RegexOptions.CultureInvariant, RegexTimeout)) return new(true, false, "");
                }
                catch (ArgumentException)
                {
                    return new(false, false, $"its spec.conditions[{i}].namespaceRegexes[{r}] is not a valid regular expression");
                }
                catch (RegexMatchTimeoutException)
                {
                    return new(false, false, $"its spec.conditions[{i}].namespaceRegexes[{r}] took too long to evaluate");
                }
            }

            if (condition.NamespaceSelector is { } selector)
            {
                if (labels is null)
                {
                    needsLabels = true;
                    continue;
                }

                if (Matches(selector, labels)) return new(true, false, "");
            }
        }

        return needsLabels
            ? new(false, true, $"namespace \"{@namespace}\" is not known yet, so its labels cannot be matched against spec.conditions")
            : new(false, false, $"its spec.conditions do not allow namespace \"{@namespace}\"");
    }

    /// <summary>Kubernetes label-selector semantics: every matchLabels pair and every requirement must hold.</summary>
    public static bool Matches(V1LabelSelector selector, IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value) return false;
        }

        foreach (var requirement in selector.MatchExpressions ?? [])
        {
            var has = labels.TryGetValue(requirement.Key, out var actual);
            var values = requirement.Values ?? [];
            var holds = requirement.OperatorProperty switch
            {
                "In" => has && values.Contains(actual!, StringComparer.Ordinal),
                "NotIn" => !has || !values.Contains(actual!, StringComparer.Ordinal),
                "Exists" => has,
                "DoesNotExist" => !has,
                // An operator the schema should have rejected matches nothing: deny rather than allow.
                _ => false,
            };
            if (!holds) return false;
        }

        return true;
    }
}
