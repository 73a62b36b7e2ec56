using System.Text.Json.Nodes;
using ServiceTokenOperator.Sandbox.Kubernetes;

namespace ServiceTokenOperator.Tests.Sandbox.Kubernetes;

public sealed class PatchTests
{
    [Theory]
    [InlineData("""{"a":{"b":1,"c":2}}""", """{"a":{"b":null,"d":3},"e":[1]}""", """{"a":{"c":2,"d":3},"e":[1]}""")]
    [InlineData("""{"a":[1,2]}""", """{"a":[3]}""", """{"a":[3]}""")]
    public void JsonMergePatch_Apply_FollowsRfc7386(string target, string patch, string expected)
    {
        Assert.Equal(expected, JsonMergePatch.Apply(JsonNode.Parse(target), JsonNode.Parse(patch))!.ToJsonString());
    }

    [Theory]
    [InlineData("""{"a":{}}""", """[{"op":"add","path":"/a/b","value":1}]""", """{"a":{"b":1}}""")]
    [InlineData("""{"l":[1,2]}""", """[{"op":"add","path":"/l/-","value":3},{"op":"remove","path":"/l/0"}]""", """{"l":[2,3]}""")]
    [InlineData("""{"a":1}""", """[{"op":"replace","path":"/a","value":2},{"op":"copy","from":"/a","path":"/b"},{"op":"move","from":"/a","path":"/c"}]""", """{"b":2,"c":2}""")]
    [InlineData("""{"m":{"x/y":1}}""", """[{"op":"remove","path":"/m/x~1y"}]""", """{"m":{}}""")]
    public void JsonPatch_Apply_FollowsRfc6902(string target, string patch, string expected)
    {
        Assert.Equal(expected, JsonPatch.Apply(JsonNode.Parse(target)!, JsonNode.Parse(patch))!.ToJsonString());
    }

    [Fact]
    public void JsonPatch_FailedTest_Throws422()
    {
        var error = Assert.Throws<KubeApiException>(() => JsonPatch.Apply(JsonNode.Parse("""{"a":1}""")!, JsonNode.Parse("""[{"op":"test","path":"/a","value":2}]""")));

        Assert.Equal(422, error.Code);
    }

    [Fact]
    public void StrategicMergePatch_ListsWithNames_MergeByKeyAndHonourDirectives()
    {
        var target = JsonNode.Parse("""{"metadata":{"finalizers":["a"]},"spec":{"containers":[{"name":"app","image":"v1"},{"name":"side","image":"s1"}]}}""");
        var patch = JsonNode.Parse("""
            {"$setElementOrder/containers":[{"name":"app"}],"metadata":{"finalizers":["b"],"$deleteFromPrimitiveList/finalizers":["a"]},
             "spec":{"containers":[{"name":"app","image":"v2"},{"name":"side","$patch":"delete"}]}}
            """);

        var result = StrategicMergePatch.Apply(target, patch)!;

        Assert.Equal("""{"metadata":{"finalizers":["b"]},"spec":{"containers":[{"name":"app","image":"v2"}]}}""", result.ToJsonString());
    }
}
