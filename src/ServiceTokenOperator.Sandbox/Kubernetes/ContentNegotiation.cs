using System.Globalization;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>
/// Output content negotiation of a resource endpoint, as the apiserver does it.
/// </summary>
/// <remarks>
/// Followed from kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/endpoints/handlers:
/// <c>negotiation/negotiate.go</c> (<c>NegotiateMediaTypeOptions</c>, <c>acceptMediaTypeOptions</c>),
/// <c>rest.go</c> (<c>RequestScope.AllowsMediaTypeTransform</c>), <c>negotiation/errors.go</c> (the 406 text) and
/// <c>response.go</c> (<c>doTransformObject</c>), with the clause order of munnerz/goautoneg <c>ParseAccept</c>:
/// <list type="bullet">
/// <item>No Accept header: the object as it is.</item>
/// <item>Clauses are tried by q (highest first; wildcard types after concrete ones), each against the served media
/// types in order; the first clause whose parameters the endpoint allows wins, so
/// <c>…;as=Foo;g=meta.k8s.io;v=v1,application/json</c> falls back to plain JSON.</item>
/// <item><c>as</c>/<c>g</c>/<c>v</c> ask for a conversion, allowed only to meta.k8s.io v1 or v1beta1 Table (json or
/// yaml only), PartialObjectMetadata or PartialObjectMetadataList; anything else (another kind, group or
/// version, or <c>as</c> without <c>g</c>/<c>v</c>) makes the clause unacceptable.</item>
/// <item>Without a conversion a custom resource serves json and yaml only (its StandardSerializers), built-ins also
/// protobuf. <c>stream</c> must be <c>watch</c> (not for yaml, which has no stream serializer); <c>sv</c> must be
/// the meta version v1; other parameters are ignored.</item>
/// <item>No acceptable clause: 406 NotAcceptable "only the following media types are accepted: …".</item>
/// </list>
/// The sandbox writes every body as JSON: a yaml clause gets JSON (which is valid YAML) and a protobuf clause gets
/// JSON too, as it always has; the Content-Type stays application/json, as the real server's is the plain media type
/// without the <c>as</c> parameters.
/// </remarks>
internal static class ContentNegotiation
{
    public const string MetaGroup = "meta.k8s.io";

    private static readonly string[] Served = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];

    /// <summary>The conversion the Accept header asks for (null: the object itself), or 406 when nothing offered is acceptable.</summary>
    public static OutputConversion? Negotiate(string? accept, bool customResource)
    {
        if (string.IsNullOrEmpty(accept))
        {
            return null;
        }

        foreach (var clause in ParseAccept(accept))
        {
            foreach (var served in Served)
            {
                var slash = served.IndexOf('/', StringComparison.Ordinal);
                var (type, subType) = (served[..slash], served[(slash + 1)..]);
                var matches = (clause.Type == type && (clause.SubType == subType || clause.SubType == "*")) || (clause.Type == "*" && clause.SubType == "*");
                if (matches && Accepts(clause.Parameters, subType, customResource, out var conversion))
                {
                    return conversion;
                }
            }
        }

        throw new KubeApiException(406, "NotAcceptable", $"only the following media types are accepted: {string.Join(", ", Served)}");
    }

    private static bool Accepts(Dictionary<string, string> parameters, string subType, bool customResource, out OutputConversion? conversion)
    {
        conversion = null;
        if (parameters.TryGetValue("stream", out var stream) && stream.Length > 0 && (stream != "watch" || subType == "yaml"))
        {
            return false;
        }

        if (parameters.TryGetValue("sv", out var serverVersion) && serverVersion.Length > 0 && serverVersion != "v1")
        {
            return false;
        }

        var asKind = parameters.GetValueOrDefault("as");
        var group = parameters.GetValueOrDefault("g");
        var version = parameters.GetValueOrDefault("v");
        if (asKind is null && group is null && version is null)
        {
            return !customResource || subType is "json" or "yaml";
        }

        if (group != MetaGroup || version is not ("v1" or "v1beta1"))
        {
            return false;
        }

        var allowed = asKind switch
        {
            OutputConversion.Table => subType is "json" or "yaml",
            OutputConversion.PartialObject or OutputConversion.PartialList => true,
            _ => false,
        };
        conversion = allowed ? new OutputConversion(asKind!, $"{MetaGroup}/{version}") : null;
        return allowed;
    }

    /// <summary>goautoneg's ParseAccept: clauses with their parameters (q taken out), ordered by its Less.</summary>
    private static List<AcceptClause> ParseAccept(string header)
    {
        var clauses = new List<AcceptClause>();
        foreach (var rawPart in header.Split(','))
        {
            var parts = rawPart.Trim(' ').Split(';');
            var range = parts[0].Split('/');
            var type = range[0].Trim(' ');
            string subType;
            if (range.Length == 1 && type == "*")
            {
                subType = "*";
            }
            else if (range.Length == 2)
            {
                subType = range[1].Trim(' ');
            }
            else
            {
                continue;
            }

            var q = 1.0;
            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var parameter in parts.Skip(1))
            {
                var pair = parameter.Split('=', 2);
                if (pair.Length != 2)
                {
                    continue;
                }

                var key = pair[0].Trim(' ');
                if (key == "q")
                {
                    q = double.TryParse(pair[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : 0;
                }
                else
                {
                    parameters[key] = pair[1].Trim(' ');
                }
            }

            clauses.Add(new AcceptClause(type, subType, q, parameters));
        }

        // Go's sort.Sort is an insertion sort at this size; its Less is not a strict order, so sort the same way.
        for (var i = 1; i < clauses.Count; i++)
        {
            for (var j = i; j > 0 && Less(clauses[j], clauses[j - 1]); j--)
            {
                (clauses[j], clauses[j - 1]) = (clauses[j - 1], clauses[j]);
            }
        }

        return clauses;
    }

    private static bool Less(AcceptClause a, AcceptClause b) =>
        a.Q > b.Q || (a.Type != "*" && b.Type == "*") || (a.SubType != "*" && b.SubType == "*");

    private sealed record AcceptClause(string Type, string SubType, double Q, Dictionary<string, string> Parameters);
}
