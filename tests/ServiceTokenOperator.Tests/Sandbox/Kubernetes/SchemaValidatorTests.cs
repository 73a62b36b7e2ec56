using System.Text.Json.Nodes;
using ServiceTokenOperator.Sandbox.Kubernetes;

namespace ServiceTokenOperator.Tests.Sandbox.Kubernetes;

public sealed class SchemaValidatorTests
{
    private static readonly JsonObject Schema = JsonNode.Parse("""
        {"type":"object","properties":{
          "spec":{"type":"object","required":["every"],"not":{"required":["a","b"]},"properties":{
            "every":{"type":"string","pattern":"^[0-9]+(h|m)$"},
            "count":{"type":"integer","minimum":1,"maximum":5},
            "mode":{"type":"string","enum":["x","y"],"default":"x"},
            "name":{"type":"string","minLength":2,"maxLength":4},
            "when":{"type":"string","format":"date-time"},
            "port":{"x-kubernetes-int-or-string":true},
            "opt":{"type":"string","nullable":true},
            "a":{"type":"string"},"b":{"type":"string"},
            "free":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
            "map":{"type":"object","additionalProperties":{"type":"integer"}},
            "one":{"type":"object","oneOf":[{"required":["p"]},{"required":["q"]}],"properties":{"p":{"type":"string"},"q":{"type":"string"}}}}}}}
        """)!.AsObject();

    [Theory]
    [InlineData("""{"every":"5m"}""", "")]
    [InlineData("""{}""", "FieldValueRequired spec.every Required value")]
    [InlineData("""{"every":"abc"}""", "FieldValueInvalid spec.every Invalid value: \"abc\": spec.every in body should match '^[0-9]+(h|m)$'")]
    [InlineData("""{"every":"5m","count":9}""", "FieldValueInvalid spec.count Invalid value: 9: spec.count in body should be less than or equal to 5")]
    [InlineData("""{"every":"5m","count":0}""", "FieldValueInvalid spec.count Invalid value: 0: spec.count in body should be greater than or equal to 1")]
    [InlineData("""{"every":"5m","count":"3"}""", "FieldValueTypeInvalid spec.count Invalid value: \"string\": spec.count in body must be of type integer: \"string\"")]
    [InlineData("""{"every":"5m","mode":"z"}""", "FieldValueNotSupported spec.mode Unsupported value: \"z\": supported values: \"x\", \"y\"")]
    [InlineData("""{"every":"5m","name":"abcdef"}""", "FieldValueInvalid spec.name Invalid value: \"abcdef\": spec.name in body should be at most 4 chars long")]
    [InlineData("""{"every":"5m","when":"yesterday"}""", "FieldValueInvalid spec.when Invalid value: \"yesterday\": spec.when in body must be of type date-time: \"yesterday\"")]
    [InlineData("""{"every":"5m","when":"2025-01-02T03:04:05Z","port":"http","opt":null}""", "")]
    [InlineData("""{"every":"5m","port":true}""", "FieldValueTypeInvalid spec.port Invalid value: \"boolean\": spec.port in body must be of type integer-or-string: \"boolean\"")]
    [InlineData("""{"every":"5m","a":"1","b":"2"}""", "FieldValueInvalid spec Invalid value: \"object\": spec in body should not be valid against the schema (not)")]
    [InlineData("""{"every":"5m","map":{"k":"v"}}""", "FieldValueTypeInvalid spec.map.k Invalid value: \"string\": spec.map.k in body must be of type integer: \"string\"")]
    [InlineData("""{"every":"5m","one":{"p":"1","q":"2"}}""", "FieldValueInvalid spec.one Invalid value: \"object\": spec.one in body must validate one and only one schema (oneOf)")]
    public void Validate_Spec_ReportsCausesInApiserverFormat(string spec, string expected)
    {
        var obj = new JsonObject { ["spec"] = JsonNode.Parse(spec) };

        var causes = SchemaValidator.Validate(obj, Schema);

        Assert.Equal(expected, string.Join(" | ", causes.Select(c => $"{c.Reason} {c.Field} {c.Message}")));
    }

    [Fact]
    public void Prune_UnknownFields_RemovedExceptUnderPreserveUnknownFields()
    {
        var obj = JsonNode.Parse("""{"apiVersion":"v","kind":"K","metadata":{"name":"n"},"spec":{"every":"1h","bogus":1,"free":{"anything":{"deep":true}}},"top":1}""")!.AsObject();

        var unknown = SchemaValidator.Prune(obj, Schema);

        Assert.Equal(["spec.bogus", "top"], unknown.Order());
        Assert.Equal("""{"apiVersion":"v","kind":"K","metadata":{"name":"n"},"spec":{"every":"1h","free":{"anything":{"deep":true}}}}""", obj.ToJsonString());
    }

    [Fact]
    public void ApplyDefaults_MissingPropertyWithDefault_IsFilled()
    {
        var obj = JsonNode.Parse("""{"spec":{"every":"1h"}}""")!.AsObject();

        SchemaValidator.ApplyDefaults(obj, Schema);

        Assert.Equal("x", obj["spec"]!["mode"]!.GetValue<string>());
    }
}
