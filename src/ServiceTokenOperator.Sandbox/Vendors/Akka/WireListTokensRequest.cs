namespace ServiceTokenOperator.Sandbox.Vendors.Akka;

/// <summary><c>kalix.projects.v1alpha.ListTokensRequest</c>.</summary>
internal sealed record WireListTokensRequest(string Parent, int PageSize, string PageToken);
