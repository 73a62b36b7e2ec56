using System.Security.Cryptography;

namespace ServiceTokenOperator.Sandbox.Vendors.PlanetScale;

/// <summary>
/// The organization's service tokens. Every read builds its wire objects under the lock, so answers are
/// consistent snapshots.
/// </summary>
internal sealed class PlanetScaleStore
{
    private const string LowerAlphanumeric = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private readonly Lock _gate = new();
    private readonly List<StoredToken> _tokens = [];
    private readonly Dictionary<string, StoredToken> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _databaseIds;
    private readonly string _organizationId;
    private readonly TimeProvider _time;

    public PlanetScaleStore(string organization, IEnumerable<string> databases, TimeProvider time)
    {
        Organization = organization;
        _time = time;
        _organizationId = NewId();
        _databaseIds = databases.ToDictionary(d => d, _ => NewId(), StringComparer.Ordinal);
    }

    public string Organization { get; }

    public bool DatabaseExists(string database) => _databaseIds.ContainsKey(database);

    /// <summary>A token outside the API (the admin credential, test helpers): not listed by /_sandbox/tokens.</summary>
    public (string Id, string Token) Seed(string name, IEnumerable<string> organizationAccesses)
    {
        lock (_gate)
        {
            var token = Add(name, ttlSeconds: null, issuedThroughApi: false);
            foreach (var access in organizationAccesses) token.Accesses.Add(new StoredAccess(NewId(), access, null));
            return (token.Id, token.Secret);
        }
    }

    /// <summary>Creates a token through the API and answers its object, the only one that shows the secret.</summary>
    public TokenJson Create(string? name, long? ttlSeconds)
    {
        lock (_gate)
        {
            var token = Add(name, ttlSeconds, issuedThroughApi: true);
            return ToJson(token, withSecret: true);
        }
    }

    /// <summary>The token a credential header names, if the secret matches and it is live; stamps last use.</summary>
    public StoredToken? Authenticate(string id, string secret)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var token)) return null;
            if (!CryptographicOperations.FixedTimeEquals(
                    System.Text.Encoding.UTF8.GetBytes(token.Secret), System.Text.Encoding.UTF8.GetBytes(secret)))
            {
                return null;
            }

            var now = _time.GetUtcNow();
            if (!token.IsLive(now)) return null;
            token.LastUsedAt = now;
            return token;
        }
    }

    public bool HasOrganizationAccess(StoredToken caller, string access)
    {
        lock (_gate) return caller.HasOrganizationAccess(access);
    }

    /// <summary>Tokens not deleted, in creation order, as list items (no secret).</summary>
    public (IReadOnlyList<TokenJson> Page, int Total) List(int page, int perPage)
    {
        lock (_gate)
        {
            var existing = _tokens.Where(t => t.DeletedAt is null).ToList();
            var items = existing.Skip((page - 1) * perPage).Take(perPage).Select(t => ToJson(t, withSecret: false)).ToList();
            return (items, existing.Count);
        }
    }

    public TokenJson? Get(string id)
    {
        lock (_gate) return Find(id) is { } token ? ToJson(token, withSecret: false) : null;
    }

    /// <summary>False when no such token exists (or it was deleted already).</summary>
    public bool Delete(string id)
    {
        lock (_gate)
        {
            if (Find(id) is not { } token) return false;
            token.DeletedAt = _time.GetUtcNow();
            return true;
        }
    }

    /// <summary>Grants accesses (idempotent); null when the token does not exist.</summary>
    public IReadOnlyList<AccessJson>? AddAccesses(string id, string? database, IReadOnlyList<string> accesses)
    {
        lock (_gate)
        {
            if (Find(id) is not { } token) return null;
            var granted = new List<AccessJson>();
            foreach (var access in accesses.Distinct(StringComparer.Ordinal))
            {
                var existing = token.Accesses.Find(a => a.Access == access && a.Database == database);
                if (existing is null)
                {
                    existing = new StoredAccess(NewId(), access, database);
                    token.Accesses.Add(existing);
                }

                granted.Add(ToJson(existing));
            }

            token.UpdatedAt = _time.GetUtcNow();
            return granted;
        }
    }

    /// <summary>Removes accesses a token has (absent ones are ignored); false when the token does not exist.</summary>
    public bool RemoveAccesses(string id, string? database, IReadOnlyList<string> accesses)
    {
        lock (_gate)
        {
            if (Find(id) is not { } token) return false;
            token.Accesses.RemoveAll(a => a.Database == database && accesses.Contains(a.Access, StringComparer.Ordinal));
            token.UpdatedAt = _time.GetUtcNow();
            return true;
        }
    }

    public IReadOnlyList<AccessJson>? Accesses(string id)
    {
        lock (_gate) return Find(id)?.Accesses.Select(ToJson).ToList();
    }

    /// <summary>Every token created through the API, deleted ones included (design.md §5).</summary>
    public IReadOnlyList<SandboxTokenRecord> Records()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            return _tokens.Where(t => t.IssuedThroughApi)
                .Select(t => new SandboxTokenRecord(t.Id, t.Name, t.IsLive(now), t.CreatedAt, t.DeletedAt))
                .ToList();
        }
    }

    private StoredToken? Find(string id) => _byId.TryGetValue(id, out var token) && token.DeletedAt is null ? token : null;

    private StoredToken Add(string? name, long? ttlSeconds, bool issuedThroughApi)
    {
        var now = _time.GetUtcNow();
        string id;
        do id = NewId(); while (_byId.ContainsKey(id));
        var token = new StoredToken(
            id,
            "pscale_tkn_" + RandomNumberGenerator.GetString(Alphanumeric, 43),
            name,
            now,
            ttlSeconds is { } ttl ? now.AddSeconds(ttl) : null,
            issuedThroughApi);
        _tokens.Add(token);
        _byId.Add(id, token);
        return token;
    }

    private TokenJson ToJson(StoredToken token, bool withSecret)
    {
        var displayName = token.Name ?? token.Id;
        return new TokenJson(
            token.Id,
            "ServiceToken",
            withSecret ? token.Secret : null,
            token.Name,
            displayName,
            PlanetScaleJson.Timestamp(token.CreatedAt),
            PlanetScaleJson.Timestamp(token.UpdatedAt),
            token.ExpiresAt is { } expires ? PlanetScaleJson.Timestamp(expires) : null,
            token.LastUsedAt is { } used ? PlanetScaleJson.Timestamp(used) : null,
            token.Id,
            displayName,
            "ServiceToken",
            "https://app.planetscale.com/gravatar-fallback.png",
            token.Accesses.Select(ToJson).ToList());
    }

    private AccessJson ToJson(StoredAccess access) => access.Database is { } database
        ? new AccessJson(access.Id, access.Access, Describe(access.Access), database, _databaseIds[database], "Database")
        : new AccessJson(access.Id, access.Access, Describe(access.Access), Organization, _organizationId, "Organization");

    private static string Describe(string access)
    {
        var words = access.Replace('_', ' ');
        return char.ToUpperInvariant(words[0]) + words[1..];
    }

    private static string NewId() => RandomNumberGenerator.GetString(LowerAlphanumeric, 12);
}
