namespace ServiceTokenOperator.Sandbox.Vendors.Akka;

/// <summary><c>kalix.projects.v1alpha.DeleteTokenRequest</c>.</summary>
internal sealed record WireDeleteTokenRequest(string Name);
