namespace ServiceTokenOperator.Providers;

/// <summary>The registered vendors by name.</summary>
internal sealed class VendorRegistry(IEnumerable<ITokenVendor> vendors)
{
    private readonly Dictionary<string, ITokenVendor> _byName = vendors.ToDictionary(v => v.Name);

    public ITokenVendor? Find(string? name) => name is not null && _byName.TryGetValue(name, out var vendor) ? vendor : null;

    public IReadOnlyCollection<string> Names => _byName.Keys;
}
