using System.Net;
using System.Text.Json.Nodes;
using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Runtime;
using static ServiceTokenOperator.Tests.Runtime.TestObjects;

namespace ServiceTokenOperator.Tests.Runtime;

public sealed class StatusWriterTests
{
    private readonly StubApiHandler _api = new();
    private readonly StatusWriter _writer;

    public StatusWriterTests()
    {
        _writer = new StatusWriter(StubApiHandler.Client(_api));
    }

    [Fact]
    public async Task ReplaceStatusAsync_PutsStatusSubresourceWithResourceVersion_ReturnsServerObject()
    {
        _api.Respond = _ => (HttpStatusCode.OK, """{"apiVersion":"servicetoken.dev/v1alpha1","kind":"ServiceToken","metadata":{"name":"t1","namespace":"apps","resourceVersion":"43"},"spec":{},"status":{"revision":3}}""");
        var token = Token("t1", "42");
        token.Status = new ServiceTokenStatus { Revision = 3 };

        var result = await _writer.ReplaceStatusAsync(ResourceTypes.ServiceTokens, token, CancellationToken.None);

        Assert.Equal(WriteOutcome.Written, result.Outcome);
        Assert.Equal("43", result.Object?.Metadata.ResourceVersion);
        Assert.Equal(3, result.Object?.Status?.Revision);
        var request = Assert.Single(_api.Requests);
        Assert.Equal(HttpMethod.Put, request.Method);
        Assert.Equal("/apis/servicetoken.dev/v1alpha1/namespaces/apps/servicetokens/t1/status", request.Uri.AbsolutePath);
        var body = JsonNode.Parse(request.Body!)!;
        Assert.Equal("42", (string?)body["metadata"]!["resourceVersion"]);
        Assert.Equal(3, (int?)body["status"]!["revision"]);
    }

    [Fact]
    public async Task ReplaceStatusAsync_ClusterScoped_UsesClusterPath()
    {
        var issuer = new ClusterTokenIssuer { Metadata = new V1ObjectMeta { Name = "global", ResourceVersion = "9" } };

        await _writer.ReplaceStatusAsync(ResourceTypes.ClusterTokenIssuers, issuer, CancellationToken.None);

        Assert.Equal("/apis/servicetoken.dev/v1alpha1/clustertokenissuers/global/status", Assert.Single(_api.Requests).Uri.AbsolutePath);
    }

    [Fact]
    public Task ReplaceStatusAsync_Conflict_ReturnsConflict() => AssertRefusedAsync(HttpStatusCode.Conflict, WriteOutcome.Conflict);

    [Fact]
    public Task ReplaceStatusAsync_NotFound_ReturnsNotFound() => AssertRefusedAsync(HttpStatusCode.NotFound, WriteOutcome.NotFound);

    private async Task AssertRefusedAsync(HttpStatusCode status, WriteOutcome expected)
    {
        _api.Respond = _ => (status, """{"kind":"Status","apiVersion":"v1","status":"Failure"}""");

        var result = await _writer.ReplaceStatusAsync(ResourceTypes.ServiceTokens, Token("t1", "42"), CancellationToken.None);

        Assert.Equal(expected, result.Outcome);
        Assert.Null(result.Object);
        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task ReplaceStatusAsync_ServerError_Throws()
    {
        _api.Respond = _ => (HttpStatusCode.InternalServerError, "{}");

        await Assert.ThrowsAnyAsync<Exception>(() => _writer.ReplaceStatusAsync(ResourceTypes.ServiceTokens, Token("t1", "42"), CancellationToken.None));
    }

    [Fact]
    public async Task ReplaceStatusAsync_NoResourceVersion_RefusesToWriteBlind()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _writer.ReplaceStatusAsync(ResourceTypes.ServiceTokens, Token("t1", ""), CancellationToken.None));

        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task AddFinalizerAsync_SendsMergePatchWithResourceVersionPrecondition()
    {
        _api.Respond = _ => (HttpStatusCode.OK, """{"metadata":{"name":"t1","namespace":"apps","resourceVersion":"43","finalizers":["other","servicetoken.dev/revoke"]}}""");
        var token = Token("t1", "42");
        token.Metadata.Finalizers = ["other"];

        var result = await _writer.AddFinalizerAsync(ResourceTypes.ServiceTokens, token, "servicetoken.dev/revoke", CancellationToken.None);

        Assert.Equal(WriteOutcome.Written, result.Outcome);
        Assert.Equal(["other", "servicetoken.dev/revoke"], result.Object!.Metadata.Finalizers);
        var request = Assert.Single(_api.Requests);
        Assert.Equal(HttpMethod.Patch, request.Method);
        Assert.Equal("application/merge-patch+json", request.ContentType);
        Assert.Equal("/apis/servicetoken.dev/v1alpha1/namespaces/apps/servicetokens/t1", request.Uri.AbsolutePath);
        var metadata = JsonNode.Parse(request.Body!)!["metadata"]!;
        Assert.Equal("42", (string?)metadata["resourceVersion"]);
        Assert.Equal(["other", "servicetoken.dev/revoke"], metadata["finalizers"]!.AsArray().Select(f => (string?)f));
    }

    [Fact]
    public async Task AddFinalizerAsync_AlreadyPresent_WritesNothing()
    {
        var token = Token("t1", "42");
        token.Metadata.Finalizers = ["servicetoken.dev/revoke"];

        var result = await _writer.AddFinalizerAsync(ResourceTypes.ServiceTokens, token, "servicetoken.dev/revoke", CancellationToken.None);

        Assert.Same(token, result.Object);
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task RemoveFinalizerAsync_OnSecret_PatchesCorePathAndKeepsOthers()
    {
        var secret = new V1Secret { Metadata = new V1ObjectMeta { Name = "s1", NamespaceProperty = "apps", ResourceVersion = "7", Finalizers = ["a", "b"] } };

        await _writer.RemoveFinalizerAsync(ResourceTypes.Secrets, secret, "a", CancellationToken.None);

        var request = Assert.Single(_api.Requests);
        Assert.Equal("/api/v1/namespaces/apps/secrets/s1", request.Uri.AbsolutePath);
        Assert.Equal(["b"], JsonNode.Parse(request.Body!)!["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f));
    }

    [Fact]
    public async Task PatchFinalizersAsync_Conflict_ReturnsConflict()
    {
        _api.Respond = _ => (HttpStatusCode.Conflict, """{"kind":"Status","code":409}""");

        var result = await _writer.PatchFinalizersAsync(ResourceTypes.ServiceTokens, Token("t1", "42"), [], CancellationToken.None);

        Assert.Equal(WriteOutcome.Conflict, result.Outcome);
        Assert.Empty(JsonNode.Parse(_api.Requests[0].Body!)!["metadata"]!["finalizers"]!.AsArray());
    }
}
