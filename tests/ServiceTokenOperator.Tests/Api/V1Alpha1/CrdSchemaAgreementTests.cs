using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s.Models;
using ServiceTokenOperator.Api;
using ServiceTokenOperator.Api.V1Alpha1;
using YamlDotNet.Serialization;

namespace ServiceTokenOperator.Tests.Api.V1Alpha1;

/// <summary>The C# wire types and the CRD schemas describe the same fields, property by property, both ways.</summary>
public sealed class CrdSchemaAgreementTests
{
    public static TheoryData<string, Type> Crds => new()
    {
        { "servicetoken.dev_servicetokens.yaml", typeof(ServiceToken) },
        { "servicetoken.dev_tokenissuers.yaml", typeof(TokenIssuer) },
        { "servicetoken.dev_clustertokenissuers.yaml", typeof(ClusterTokenIssuer) },
    };

    [Theory]
    [MemberData(nameof(Crds))]
    public void Schema_AndType_HaveTheSameProperties(string file, Type type)
    {
        var schema = LoadSchema(file);
        var mismatches = new List<string>();
        Compare(type, schema, "", mismatches);
        Assert.Empty(mismatches);
    }

    [Theory]
    [MemberData(nameof(Crds))]
    public void Schema_DescribesEveryProperty(string file, Type type)
    {
        _ = type;
        var missing = new List<string>();
        FindUndescribed(LoadSchema(file)["properties"]!["spec"]!, ".spec", missing);
        FindUndescribed(LoadSchema(file)["properties"]!["status"]!, ".status", missing);
        Assert.Empty(missing);
    }

    [Theory]
    [MemberData(nameof(Crds))]
    public void Schema_InjectsNoDefaultsIntoSpec(string file, Type type)
    {
        _ = type;
        Assert.DoesNotContain("\"default\"", LoadSchema(file)["properties"]!["spec"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ServiceTokenCrd_HasPrinterColumnsShortNameAndCategory()
    {
        var crd = LoadCrd("servicetoken.dev_servicetokens.yaml");
        var version = crd["spec"]!["versions"]![0]!;
        var columns = version["additionalPrinterColumns"]!.AsArray().Select(c => (string)c!["name"]!).ToList();
        Assert.Equal(["Ready", "Issuer", "Secret", "Next Rotation", "Age"], columns);
        Assert.Equal("st", (string)crd["spec"]!["names"]!["shortNames"]![0]!);
        Assert.Equal("servicetoken", (string)crd["spec"]!["names"]!["categories"]![0]!);
        Assert.NotNull(version["subresources"]!["status"]);
    }

    private static void Compare(Type type, JsonNode schema, string path, List<string> mismatches)
    {
        var properties = schema["properties"]?.AsObject();
        if (properties is null)
        {
            mismatches.Add($"{path}: schema has no properties for {type.Name}");
            return;
        }

        var clr = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Name: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name, Property: p))
            .Where(p => p.Name is not null)
            .ToDictionary(p => p.Name!, p => p.Property);

        foreach (var name in properties.Select(p => p.Key).Except(clr.Keys))
            mismatches.Add($"{path}.{name}: in the schema, not in {type.Name}");
        foreach (var name in clr.Keys.Except(properties.Select(p => p.Key)))
            mismatches.Add($"{path}.{name}: in {type.Name}, not in the schema");

        foreach (var (name, property) in clr)
        {
            if (!properties.TryGetPropertyValue(name, out var child) || child is null) continue;
            if (name == "metadata" && property.PropertyType == typeof(V1ObjectMeta)) continue;
            CompareValue(property.PropertyType, child, $"{path}.{name}", mismatches);
        }
    }

    /// <summary>Our types use Dictionary; KubernetesClient's (V1LabelSelector) use IDictionary.</summary>
    private static bool IsMap(Type type) =>
        type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Dictionary<,>) || type.GetGenericTypeDefinition() == typeof(IDictionary<,>));

    private static void CompareValue(Type type, JsonNode schema, string path, List<string> mismatches)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        var schemaType = (string?)schema["type"];
        var expected = type switch
        {
            _ when type == typeof(string) => "string",
            _ when type == typeof(bool) => "boolean",
            _ when type == typeof(int) || type == typeof(long) => "integer",
            _ when type == typeof(DateTime) || type == typeof(DateTimeOffset) => "string",
            _ when IsMap(type) => "object",
            _ when typeof(IEnumerable).IsAssignableFrom(type) => "array",
            _ => "object",
        };
        if (schemaType != expected)
        {
            mismatches.Add($"{path}: schema type {schemaType}, C# {type.Name} needs {expected}");
            return;
        }

        if (type == typeof(DateTime) && (string?)schema["format"] != "date-time")
            mismatches.Add($"{path}: a timestamp needs format date-time");
        if (type == typeof(long) && (string?)schema["format"] != "int64")
            mismatches.Add($"{path}: a long needs format int64");

        if (IsMap(type))
        {
            var valueSchema = schema["additionalProperties"];
            if (valueSchema is null) mismatches.Add($"{path}: a map needs additionalProperties");
            else CompareValue(type.GetGenericArguments()[1], valueSchema, path + "[*]", mismatches);
        }
        else if (expected == "array")
        {
            CompareValue(type.GetGenericArguments()[0], schema["items"]!, path + "[*]", mismatches);
        }
        else if (expected == "object")
        {
            Compare(type, schema, path, mismatches);
        }
    }

    private static void FindUndescribed(JsonNode schema, string path, List<string> missing)
    {
        if (schema["description"] is null && !path.EndsWith("[*]", StringComparison.Ordinal) && !path.Contains(".template.", StringComparison.Ordinal))
            missing.Add(path);
        foreach (var (name, child) in schema["properties"]?.AsObject() ?? [])
            FindUndescribed(child!, $"{path}.{name}", missing);
        if (schema["items"] is { } items && items["type"]?.GetValue<string>() == "object")
            FindUndescribed(items, path + "[*]", missing);
    }

    internal static JsonNode LoadSchema(string file) => LoadCrd(file)["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;

    internal static JsonNode LoadCrd(string file)
    {
        var yaml = CrdManifests.All().Single(c => c.Name == file).Yaml;
        var graph = new DeserializerBuilder().Build().Deserialize<object>(yaml);
        var json = new SerializerBuilder().JsonCompatible().Build().Serialize(graph);
        return JsonNode.Parse(json)!;
    }
}
