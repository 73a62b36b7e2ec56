using System.Text.Json.Nodes;
using ServiceTokenOperator.Sandbox.Kubernetes;

namespace ServiceTokenOperator.Tests.Sandbox.Kubernetes;

public sealed class LabelSelectorTests
{
    [Theory]
    [InlineData("", true)]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app=db", false)]
    [InlineData("app!=db", true)]
    [InlineData("missing!=x", true)]
    [InlineData("app in (web, db)", true)]
    [InlineData("app notin (web)", false)]
    [InlineData("missing notin (web)", true)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("!missing", true)]
    [InlineData("app=web,tier=gold", true)]
    [InlineData("app=web,tier=silver", false)]
    [InlineData("example.dev/owner=team-a", true)]
    public void Matches_SelectorAgainstLabels_FollowsKubernetesSemantics(string selector, bool expected)
    {
        var obj = new JsonObject
        {
            ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = "web", ["tier"] = "gold", ["example.dev/owner"] = "team-a" } },
        };

        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(obj));
    }

    [Theory]
    [InlineData("app in web")]
    [InlineData("=x")]
    public void Parse_Malformed_ThrowsBadRequest(string selector)
    {
        var error = Assert.Throws<KubeApiException>(() => LabelSelector.Parse(selector));

        Assert.Equal(400, error.Code);
    }
}
