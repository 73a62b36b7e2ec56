using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.Tests.Secrets;

public sealed class SecretBuilderTests
{
    private static readonly DateTimeOffset IssuedAt = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly SecretBuilder.Record Record = new("tkn_1", "st-c1-apps-api-r4", 4, IssuedAt, IssuedAt.AddDays(100));

    private static ServiceToken Token(string? creationPolicy = null, SecretTemplate? template = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "api", NamespaceProperty = "apps", Uid = "uid-1" },
        Spec = new ServiceTokenSpec
        {
            IssuerRef = new IssuerReference { Name = "acme" },
            Secret = new SecretTarget { Name = "api-secret", CreationPolicy = creationPolicy, Template = template },
        },
    };

    private static V1Secret Build(ServiceToken token) =>
        SecretBuilder.Build(token, TokenPolicy.From(token, TimeSpan.FromHours(1)).Policy!, Record, new Dictionary<string, string> { ["K"] = "v" });

    [Fact]
    public void Build_Default_HasTheRecordAnnotationsManagedLabelAndControllerOwner()
    {
        var secret = Build(Token());

        Assert.Equal(("api-secret", "apps", "Opaque"), (secret.Metadata.Name, secret.Metadata.NamespaceProperty, secret.Type));
        Assert.Equal(SecretLabels.ManagedByValue, secret.Metadata.Labels[SecretLabels.ManagedBy]);
        Assert.Equal("api", secret.Metadata.Annotations[SecretLabels.ServiceToken]);
        Assert.Equal("tkn_1", secret.Metadata.Annotations[SecretLabels.TokenId]);
        Assert.Equal("st-c1-apps-api-r4", secret.Metadata.Annotations[SecretLabels.TokenName]);
        Assert.Equal("4", secret.Metadata.Annotations[SecretLabels.Revision]);
        Assert.Equal("2026-01-15T12:00:00Z", secret.Metadata.Annotations[SecretLabels.IssuedAt]);
        Assert.Equal("2026-04-25T12:00:00Z", secret.Metadata.Annotations[SecretLabels.ExpiresAt]);
        var owner = Assert.Single(secret.Metadata.OwnerReferences);
        Assert.Equal(("uid-1", ServiceToken.KindName, true, true), (owner.Uid, owner.Kind, owner.Controller, owner.BlockOwnerDeletion));
        Assert.Equal("v"u8.ToArray(), secret.Data["K"]);
    }

    [Fact]
    public void Build_Orphan_HasNoOwnerReference() => Assert.Null(Build(Token(TokenPolicy.CreationOrphan)).Metadata.OwnerReferences);

    [Fact]
    public void Build_TemplateMetadata_IsAddedButCannotOverrideTheOperatorsOwnKeys()
    {
        var template = new SecretTemplate
        {
            Labels = new() { ["team"] = "payments", [SecretLabels.ManagedBy] = "someone-else" },
            Annotations = new() { ["note"] = "x", [SecretLabels.TokenId] = "forged", [SecretLabels.ServiceToken] = "victim" },
        };
        var secret = Build(Token(template: template));

        Assert.Equal("payments", secret.Metadata.Labels["team"]);
        Assert.Equal(SecretLabels.ManagedByValue, secret.Metadata.Labels[SecretLabels.ManagedBy]);
        Assert.Equal("x", secret.Metadata.Annotations["note"]);
        Assert.Equal("tkn_1", secret.Metadata.Annotations[SecretLabels.TokenId]);
        Assert.Equal("api", secret.Metadata.Annotations[SecretLabels.ServiceToken]);
    }

    [Fact]
    public void ReadRecord_OfABuiltSecret_RoundTrips()
    {
        var record = SecretBuilder.ReadRecord(Build(Token()));
        Assert.Equal(Record, record);
    }

    [Fact]
    public void ReadRecord_WithoutTokenIdOrRevision_IsNull()
    {
        var secret = Build(Token());
        secret.Metadata.Annotations[SecretLabels.Revision] = "zero";
        Assert.Null(SecretBuilder.ReadRecord(secret));
        secret = Build(Token());
        secret.Metadata.Annotations.Remove(SecretLabels.TokenId);
        Assert.Null(SecretBuilder.ReadRecord(secret));
    }

    [Fact]
    public void Build_NoExpiry_HasNoExpiresAtAnnotation()
    {
        var token = Token();
        var secret = SecretBuilder.Build(token, TokenPolicy.From(token, TimeSpan.FromHours(1)).Policy!, Record with { ExpiresAt = null }, new Dictionary<string, string>());
        Assert.False(secret.Metadata.Annotations.ContainsKey(SecretLabels.ExpiresAt));
    }
}
