namespace ServiceTokenOperator.Sandbox.Vendors.Akka;

/// <summary><c>kalix.projects.v1alpha.ServiceToken</c>.</summary>
internal sealed record WireServiceToken(string Name, string Description, DateTimeOffset CreatedTime, DateTimeOffset? ExpireTime, IReadOnlyList<int> Scopes);
