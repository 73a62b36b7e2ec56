namespace ServiceTokenOperator.Sandbox.Vendors.Upsun;

/// <summary>A user account of the simulator.</summary>
internal sealed record UpsunStoredUser(string Id, string Username, string Email, DateTimeOffset CreatedAt);
