namespace ServiceTokenOperator.Sandbox.Vendors.Akka;

/// <summary><c>kalix.projects.v1alpha.ListTokensResponse</c>.</summary>
internal sealed record WireListTokensResponse(IReadOnlyList<WireServiceToken> Tokens, string NextPageToken);
