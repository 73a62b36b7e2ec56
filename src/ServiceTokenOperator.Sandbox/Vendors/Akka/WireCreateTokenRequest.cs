namespace ServiceTokenOperator.Sandbox.Vendors.Akka;

/// <summary><c>kalix.projects.v1alpha.CreateTokenRequest</c>.</summary>
internal sealed record WireCreateTokenRequest(string Parent, string Description, IReadOnlyList<int> Scopes);
