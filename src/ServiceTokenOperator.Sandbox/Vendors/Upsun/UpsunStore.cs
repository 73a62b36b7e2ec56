using System.Security.Cryptography;

namespace ServiceTokenOperator.Sandbox.Vendors.Upsun;

/// <summary>Users and their API tokens. Thread-safe; revoked tokens are kept for the inspection endpoint.</summary>
internal sealed class UpsunStore
{
    private const string TokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, UpsunStoredUser> _users = new(StringComparer.Ordinal);
    private readonly List<UpsunStoredToken> _tokens = [];

    /// <summary>Outcome of a create: the token, or whether the user already has a live token of that name.</summary>
    internal readonly record struct CreateResult(UpsunStoredToken? Token, bool DuplicateName);

    public UpsunStoredUser AddUser(string username, string email, DateTimeOffset now)
    {
        var user = new UpsunStoredUser(Guid.NewGuid().ToString(), username, email, now);
        lock (_gate) _users.Add(user.Id, user);
        return user;
    }

    public UpsunStoredUser? User(string id)
    {
        lock (_gate) return _users.GetValueOrDefault(id);
    }

    public CreateResult CreateToken(string userId, string name, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_tokens.Any(t => t.Live && t.UserId == userId && t.Name == name)) return new CreateResult(null, true);
            // Opaque, like the vendor's: nothing in the value reveals the user or the token id.
            var token = new UpsunStoredToken(
                Guid.NewGuid().ToString(), userId, name, RandomNumberGenerator.GetString(TokenAlphabet, 43), now, now, null, null);
            _tokens.Add(token);
            return new CreateResult(token, false);
        }
    }

    /// <summary>The live token with this value, stamped as used; null when none is.</summary>
    public UpsunStoredToken? UseByValue(string value, DateTimeOffset now)
    {
        lock (_gate)
        {
            var index = _tokens.FindIndex(t => t.Live && t.Value == value);
            if (index < 0) return null;
            _tokens[index] = _tokens[index] with { LastUsedAt = now };
            return _tokens[index];
        }
    }

    public IReadOnlyList<UpsunStoredToken> LiveTokensOf(string userId)
    {
        lock (_gate) return _tokens.Where(t => t.Live && t.UserId == userId).ToList();
    }

    public UpsunStoredToken? LiveToken(string userId, string tokenId)
    {
        lock (_gate) return _tokens.FirstOrDefault(t => t.Live && t.UserId == userId && t.Id == tokenId);
    }

    /// <summary>Revokes a live token; false when there is none with that id.</summary>
    public bool Revoke(string userId, string tokenId, DateTimeOffset now)
    {
        lock (_gate)
        {
            var index = _tokens.FindIndex(t => t.Live && t.UserId == userId && t.Id == tokenId);
            if (index < 0) return false;
            _tokens[index] = _tokens[index] with { RevokedAt = now, UpdatedAt = now };
            return true;
        }
    }

    public IReadOnlyList<UpsunStoredToken> AllTokens()
    {
        lock (_gate) return _tokens.ToList();
    }
}
