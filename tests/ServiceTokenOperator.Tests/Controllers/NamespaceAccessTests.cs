using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;

namespace ServiceTokenOperator.Tests.Controllers;

public sealed class NamespaceAccessTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["team"] = "payments", ["tier"] = "prod" };

    [Theory]
    [InlineData("In", "payments,search", true)]
    [InlineData("In", "search", false)]
    [InlineData("NotIn", "search", true)]
    [InlineData("NotIn", "payments", false)]
    [InlineData("Exists", "", true)]
    [InlineData("DoesNotExist", "", false)]
    [InlineData("Sideways", "payments", false)]
    public void Matches_ExpressionOnAPresentLabel(string op, string values, bool expected) =>
        Assert.Equal(expected, NamespaceAccess.Matches(Expression("team", op, values), Labels));

    [Theory]
    [InlineData("In", "x", false)]
    [InlineData("NotIn", "x", true)]
    [InlineData("Exists", "", false)]
    [InlineData("DoesNotExist", "", true)]
    public void Matches_ExpressionOnAMissingLabel(string op, string values, bool expected) =>
        Assert.Equal(expected, NamespaceAccess.Matches(Expression("absent", op, values), Labels));

    [Fact]
    public void Matches_EmptySelector_MatchesEverything() => Assert.True(NamespaceAccess.Matches(new V1LabelSelector(), new Dictionary<string, string>()));

    [Fact]
    public void Matches_MatchLabelsAndExpressions_MustAllHold()
    {
        var selector = Expression("tier", "In", "prod");
        selector.MatchLabels = new Dictionary<string, string> { ["team"] = "payments" };
        Assert.True(NamespaceAccess.Matches(selector, Labels));
        selector.MatchLabels["team"] = "search";
        Assert.False(NamespaceAccess.Matches(selector, Labels));
    }

    [Fact]
    public void Check_NoConditions_AllowsEveryNamespace()
    {
        Assert.True(NamespaceAccess.Check(null, "any", null).Allowed);
        Assert.True(NamespaceAccess.Check([], "any", null).Allowed);
    }

    [Fact]
    public void Check_AnyConditionMatching_Allows()
    {
        ClusterIssuerCondition[] conditions =
        [
            new() { Namespaces = ["billing"] },
            new() { NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["team"] = "payments" } } },
        ];
        Assert.True(NamespaceAccess.Check(conditions, "apps", Labels).Allowed);
        Assert.False(NamespaceAccess.Check(conditions, "apps", new Dictionary<string, string>()).Allowed);
        Assert.True(NamespaceAccess.Check(conditions, "billing", null).Allowed);
    }

    [Fact]
    public void Check_SelectorWithUnknownLabels_IsUnknownNotDenied()
    {
        var verdict = NamespaceAccess.Check([new() { NamespaceSelector = new V1LabelSelector() }], "apps", null);
        Assert.Equal((false, true), (verdict.Allowed, verdict.Unknown));
    }

    [Fact]
    public void Check_CatastrophicRegex_IsBoundedAndDenies()
    {
        var verdict = NamespaceAccess.Check([new() { NamespaceRegexes = ["(a+)+b"] }], new string('a', 60), null);
        Assert.False(verdict.Allowed);
        Assert.Contains("namespaceRegexes[0]", verdict.Message, StringComparison.Ordinal);
    }

    private static V1LabelSelector Expression(string key, string op, string values) => new()
    {
        MatchExpressions = [new V1LabelSelectorRequirement { Key = key, OperatorProperty = op, Values = [.. values.Split(',', StringSplitOptions.RemoveEmptyEntries)] }],
    };
}
