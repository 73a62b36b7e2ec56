using System.Reflection;
using k8s;
using ServiceTokenOperator.Api;
using ServiceTokenOperator.Api.V1Alpha1;

namespace ServiceTokenOperator.Tests.Api;

public sealed class StatusCopiesTests
{
    // Every field set, as the API returns it.
    private const string TokenStatusJson = """
        {
          "observedGeneration": 3,
          "conditions": [{ "type": "Ready", "status": "True", "reason": "Issued", "message": "token issued", "lastTransitionTime": "2026-11-23T12:00:00Z", "observedGeneration": 3 }],
          "revision": 2, "tokenId": "tok-2", "tokenName": "apps-api-r2", "issuer": "TokenIssuer/planetscale",
          "issuedAt": "2026-11-23T12:00:00Z", "expiresAt": "2027-11-23T12:00:00Z", "nextRotationAt": "2027-02-21T12:00:00Z",
          "pendingRevocations": [{ "tokenId": "tok-1", "revokeAt": "2026-11-23T12:15:00Z", "issuer": "TokenIssuer/planetscale" }],
          "secretName": "api", "secretMac": "mac", "requestHash": "hash", "lastRotateRequest": "r1",
          "lastFailure": { "time": "2026-11-23T11:00:00Z", "reason": "VendorUnavailable", "message": "503" }, "failedAttempts": 1
        }
        """;

    private const string IssuerStatusJson = """
        {
          "observedGeneration": 1,
          "conditions": [{ "type": "Ready", "status": "True", "reason": "Verified", "message": "ok", "lastTransitionTime": "2026-11-23T12:00:00Z" }],
          "vendor": "planetscale", "lastCheckedAt": "2026-11-23T12:00:00Z", "lastOrphanSweep": "2026-11-23T12:00:00Z", "orphansRevoked": 0
        }
        """;

    [Fact]
    public void Copy_EveryFieldOfTheServiceTokenStatus_CopiedIntoNewObjects()
    {
        var (original, copy) = CopyOfFullStatus<ServiceTokenStatus>(TokenStatusJson, StatusCopies.Copy);

        copy.Conditions![0].Message = "changed";
        copy.PendingRevocations![0].TokenId = "changed";
        copy.LastFailure!.Reason = "changed";
        Assert.Equal("token issued", original.Conditions![0].Message);
        Assert.Equal("tok-1", original.PendingRevocations![0].TokenId);
        Assert.Equal("VendorUnavailable", original.LastFailure!.Reason);
    }

    [Fact]
    public void Copy_EveryFieldOfTheIssuerStatus_CopiedIntoNewObjects()
    {
        var (original, copy) = CopyOfFullStatus<TokenIssuerStatus>(IssuerStatusJson, StatusCopies.Copy);

        copy.Conditions![0].Status = "False";
        Assert.Equal("True", original.Conditions![0].Status);
    }

    /// <summary>
    /// Reads <paramref name="json"/>, checks that it sets every property of <typeparamref name="T"/> (a field added to
    /// the type fails here until the fixture sets it), copies it and checks that the copy's JSON is the same.
    /// </summary>
    private static (T Original, T Copy) CopyOfFullStatus<T>(string json, Func<T, T> copy)
    {
        var original = KubernetesJson.Deserialize<T>(json);
        Assert.All(typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance), p => Assert.NotNull(p.GetValue(original)));

        var copied = copy(original);

        Assert.Equal(KubernetesJson.Serialize(original), KubernetesJson.Serialize(copied));
        return (original, copied);
    }

    [Fact]
    public void Copy_NoStatus_AnEmptyOne()
    {
        Assert.Null(StatusCopies.Copy((ServiceTokenStatus?)null).Revision);
        Assert.Null(StatusCopies.Copy((TokenIssuerStatus?)null).Vendor);
    }

    [Fact]
    public void Same_EqualContent_TrueAndAnyNestedDifference_False()
    {
        var a = KubernetesJson.Deserialize<ServiceTokenStatus>(TokenStatusJson);
        var b = KubernetesJson.Deserialize<ServiceTokenStatus>(TokenStatusJson);
        Assert.True(StatusCopies.Same(a, b));

        b.Conditions![0].Message = "token rotated";
        Assert.False(StatusCopies.Same(a, b));
        Assert.False(StatusCopies.Same(a, null));
        Assert.False(StatusCopies.Same(new ServiceTokenStatus(), null));
        Assert.True(StatusCopies.Same((ServiceTokenStatus?)null, null));

        var issuer = KubernetesJson.Deserialize<TokenIssuerStatus>(IssuerStatusJson);
        var moved = KubernetesJson.Deserialize<TokenIssuerStatus>(IssuerStatusJson);
        Assert.True(StatusCopies.Same(issuer, moved));
        moved.LastCheckedAt = moved.LastCheckedAt!.Value.AddSeconds(1);
        Assert.False(StatusCopies.Same(issuer, moved));
    }
}
