using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>
/// Every resource the server currently serves: the built-ins plus one entry per served version of each
/// established CustomResourceDefinition. Reads take a snapshot and never lock.
/// </summary>
internal sealed class ResourceRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, IReadOnlyList<ResourceType>> _crds = [];
    private volatile IReadOnlyList<ResourceType> _all = BuiltInResources.All;

    public IReadOnlyList<ResourceType> All => _all;

    public ResourceType? Find(string group, string version, string plural) =>
        _all.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);

    /// <summary>Any served version of a resource, for storage-level work (garbage collection, namespace cleanup).</summary>
    public ResourceType? ByKey(string key) => _all.FirstOrDefault(t => t.Key == key);

    /// <summary>Groups in discovery order, each with its versions, preferred first.</summary>
    public IReadOnlyList<(string Group, IReadOnlyList<string> Versions)> Groups() =>
        _all.Where(t => t.Group.Length > 0).GroupBy(t => t.Group)
            .Select(g => (g.Key, (IReadOnlyList<string>)g.Select(t => t.Version).Distinct().OrderByDescending(VersionPriority).ToList()))
            .ToList();

    /// <summary>Registers (or re-registers) the resource of a CRD; returns the names it accepted.</summary>
    public void Register(JsonObject crd)
    {
        var spec = crd["spec"]!.AsObject();
        var group = spec["group"]!.GetValue<string>();
        var names = spec["names"]!.AsObject();
        var plural = names["plural"]!.GetValue<string>();
        var kind = names["kind"]!.GetValue<string>();
        var singular = names["singular"]?.GetValue<string>() ?? kind.ToLowerInvariant();
        var namespaced = spec["scope"]?.GetValue<string>() != "Cluster";
        var shortNames = Strings(names["shortNames"]);
        var categories = Strings(names["categories"]);
        var types = new List<ResourceType>();
        foreach (var version in (spec["versions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (version["served"]?.GetValue<bool>() == false)
            {
                continue;
            }

            var subresources = version["subresources"] as JsonObject;
            types.Add(new ResourceType(group, version["name"]!.GetValue<string>(), plural, singular, kind, namespaced)
            {
                ShortNames = shortNames,
                Categories = categories,
                IsCustom = true,
                HasStatus = subresources?["status"] is not null,
                HasScale = subresources?["scale"] is not null,
                SpecReplicasPath = subresources?["scale"]?["specReplicasPath"]?.GetValue<string>() ?? ".spec.replicas",
                StatusReplicasPath = subresources?["scale"]?["statusReplicasPath"]?.GetValue<string>() ?? ".status.replicas",
                LabelSelectorPath = subresources?["scale"]?["labelSelectorPath"]?.GetValue<string>(),
                Schema = version["schema"]?["openAPIV3Schema"]?.DeepClone().AsObject(),
                PrinterColumns = version["additionalPrinterColumns"]?.DeepClone().AsArray(),
            });
        }

        lock (_gate)
        {
            _crds[crd["metadata"]!["name"]!.GetValue<string>()] = types;
            Rebuild();
        }
    }

    public void Unregister(string crdName)
    {
        lock (_gate)
        {
            _crds.Remove(crdName);
            Rebuild();
        }
    }

    private void Rebuild() => _all = BuiltInResources.All.Concat(_crds.Values.SelectMany(v => v)).ToList();

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(n => n!.GetValue<string>()).ToList() : [];

    /// <summary>Kubernetes version priority: v2 > v1 > v1beta2 > v1beta1 > v1alpha1 > anything else.</summary>
    internal static int VersionPriority(string version)
    {
        var match = System.Text.RegularExpressions.Regex.Match(version, "^v(\\d+)(?:(alpha|beta)(\\d+))?$");
        if (!match.Success)
        {
            return -1;
        }

        var major = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var stage = match.Groups[2].Value switch { "" => 3, "beta" => 2, _ => 1 };
        var minor = match.Groups[3].Success ? int.Parse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (stage * 1000000) + (major * 1000) + minor;
    }
}
