namespace ServiceTokenOperator.Sandbox.Vendors.Akka;

/// <summary>A project service token as the simulator stores it.</summary>
internal sealed record AkkaStoredToken(string Id, string Description, string Value, DateTimeOffset CreatedAt, IReadOnlyList<int> Scopes, DateTimeOffset? RevokedAt)
{
    // Value is the secret.
    public override string ToString() => $"AkkaStoredToken {{ Id = {Id}, Description = {Description}, RevokedAt = {RevokedAt:O} }}";
}
