using k8s;
using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Runtime;

namespace ServiceTokenOperator.Tests.Runtime;

public sealed class InformerTransformsTests
{
    [Fact]
    public void StripManagedFields_ObjectWithManagedFields_SetsThemToNullAndKeepsTheRestOfMetadata()
    {
        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta
            {
                Name = "s",
                NamespaceProperty = "apps",
                ResourceVersion = "7",
                Labels = new Dictionary<string, string> { ["app"] = "x" },
                ManagedFields = [new V1ManagedFieldsEntry { Manager = "servicetoken-operator", Operation = "Update" }],
            },
            Data = new Dictionary<string, byte[]> { ["k"] = [1] },
        };

        InformerTransforms.StripManagedFields(secret);

        // Null, not []: an update that sends [] would clear the server's managedFields.
        Assert.Null(secret.Metadata.ManagedFields);
        Assert.Equal(("s", "apps", "7"), (secret.Metadata.Name, secret.Metadata.NamespaceProperty, secret.Metadata.ResourceVersion));
        Assert.Equal("x", secret.Metadata.Labels["app"]);
        Assert.Equal([1], secret.Data["k"]);
    }

    [Fact]
    public void StripManagedFields_ObjectWithoutMetadata_LeavesItAlone()
    {
        var secret = new V1Secret();

        InformerTransforms.StripManagedFields(secret);

        Assert.Null(secret.Metadata);
    }

    [Fact]
    public void KeepIdentity_MetadataOfAnUnmanagedSecret_KeepsNameNamespaceAndResourceVersionOnly()
    {
        var secret = new PartialObjectMetadata
        {
            Metadata = new V1ObjectMeta
            {
                Name = "sh.helm.release.v1.web.v3",
                NamespaceProperty = "apps",
                ResourceVersion = "42",
                Uid = "u-1",
                Labels = new Dictionary<string, string> { ["owner"] = "helm" },
                Annotations = new Dictionary<string, string> { ["note"] = new string('x', 4096) },
                Finalizers = ["example.com/keep"],
            },
        };

        InformerTransforms.KeepIdentity(secret);

        Assert.Equal(("sh.helm.release.v1.web.v3", "apps", "42"), (secret.Metadata.Name, secret.Metadata.NamespaceProperty, secret.Metadata.ResourceVersion));
        Assert.Null(secret.Metadata.Uid);
        Assert.Null(secret.Metadata.Labels);
        Assert.Null(secret.Metadata.Annotations);
        Assert.Null(secret.Metadata.Finalizers);
    }

    // As the API serves them (the benchmark's objects), with the optional fields of the spec and status filled in.
    private static ServiceToken TokenFromApi(string name, string uid, string tokenId, string failure = "PlanetScale answered 503") =>
        KubernetesJson.Deserialize<ServiceToken>($$"""
        {
          "apiVersion": "servicetoken.dev/v1alpha1", "kind": "ServiceToken",
          "metadata": {
            "name": "{{name}}", "namespace": "bench", "uid": "{{uid}}", "resourceVersion": "80{{tokenId.Length}}", "generation": 1,
            "creationTimestamp": "2026-11-23T07:40:46Z", "finalizers": ["servicetoken.dev/revoke"],
            "labels": {"team": "payments-{{name}}"}, "annotations": {"servicetoken.dev/rotate": "{{name}}-1"},
            "managedFields": [{"manager": "kubectl", "operation": "Update"}]
          },
          "spec": {
            "issuerRef": {"kind": "ClusterTokenIssuer", "name": "sandbox-planetscale"},
            "planetscale": {"ttl": "2400h", "accesses": [{"database": "payments", "permissions": ["read_branch", "connect_branch"]}]},
            "secret": {"name": "{{name}}", "creationPolicy": "Owner",
              "template": {"labels": {"app": "{{name}}"}, "annotations": {"note": "x"}, "data": {"DATABASE_TOKEN": "static-value"} } },
            "rotation": {"every": "2160h", "gracePeriod": "10m", "restartTargets": [{"kind": "Deployment", "name": "{{name}}-web"}]},
            "deletionPolicy": "Revoke"
          },
          "status": {
            "observedGeneration": 1, "revision": 1, "tokenId": "{{tokenId}}", "tokenName": "st-0a416b8c-bench-{{name}}-r1",
            "issuer": "ClusterTokenIssuer/sandbox-planetscale", "issuedAt": "2026-11-23T07:40:47.002427Z",
            "nextRotationAt": "2027-02-21T07:38:08.874452Z", "secretName": "{{name}}",
            "secretMac": "hmac-sha256:{{uid}}", "requestHash": "b03c1bc604fb5ec6.9ed60716a7e47545",
            "conditions": [
              {"type": "Ready", "status": "True", "reason": "Issued", "observedGeneration": 1, "lastTransitionTime": "2026-11-23T07:40:47.009710Z",
               "message": "Secret \"{{name}}\" holds token {{tokenId}} (revision 1, FirstIssue)"},
              {"type": "Stalled", "status": "False", "reason": "Issued", "observedGeneration": 1, "lastTransitionTime": "2026-11-23T07:40:47.009710Z", "message": ""},
              {"type": "Rotating", "status": "False", "reason": "Idle", "observedGeneration": 1, "lastTransitionTime": "2026-11-23T07:40:47.009710Z",
               "message": "no rotation in progress"}
            ],
            "pendingRevocations": [{"tokenId": "old-{{tokenId}}", "revokeAt": "2026-11-23T07:50:47Z", "issuer": "ClusterTokenIssuer/sandbox-planetscale"}],
            "lastFailure": {"time": "2026-11-23T07:40:40Z", "reason": "VendorUnavailable", "message": "{{failure}}"}
          }
        }
        """)!;

    private static V1Secret SecretFromApi(string name, string uid, string ownerUid, string token) =>
        KubernetesJson.Deserialize<V1Secret>($$"""
        {
          "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
          "metadata": {
            "name": "{{name}}", "namespace": "bench", "uid": "{{uid}}", "resourceVersion": "7{{name.Length}}",
            "labels": {"servicetoken.dev/managed-by": "servicetoken-operator", "app": "web"},
            "annotations": {"servicetoken.dev/issued-at": "2026-11-23T07:40:47Z", "servicetoken.dev/revision": "1",
              "servicetoken.dev/service-token": "{{name}}", "servicetoken.dev/token-id": "id-{{name}}", "servicetoken.dev/token-name": "st-{{name}}-r1"},
            "ownerReferences": [{"apiVersion": "servicetoken.dev/v1alpha1", "kind": "ServiceToken", "name": "{{name}}", "uid": "{{ownerUid}}",
              "controller": true, "blockOwnerDeletion": true}]
          },
          "data": {"PLANETSCALE_ORG": "c2FuZGJveC1vcmc=", "PLANETSCALE_SERVICE_TOKEN": "{{token}}", "PLANETSCALE_SERVICE_TOKEN_ID": "eXFldHhnb2h1cDY3"}
        }
        """)!;

    private static string Json(object obj) => KubernetesJson.Serialize(obj);

    [Fact]
    public void ShareStrings_ServiceTokenFromTheApi_SerializesToTheSameJson()
    {
        var token = TokenFromApi("bench-00001", "b31d0827-faec-4c00-90d1-93c6253ddccf", "yqetxgohup67");
        var before = Json(token);

        InformerTransforms.ShareStrings(token, new StringPool(StringPool.DefaultCapacity));

        Assert.Equal(before, Json(token));
    }

    [Fact]
    public void ShareStrings_SecretFromTheApi_SerializesToTheSameJson()
    {
        var secret = SecretFromApi("bench-00001", "41606a15-37eb-4ac2-a0aa-f5a292da699b", "b31d0827", "cHNjYWxlX3Rrbl9UazNR");
        var before = Json(secret);

        InformerTransforms.ShareStrings(secret, new StringPool(StringPool.DefaultCapacity));

        Assert.Equal(before, Json(secret));
    }

    [Fact]
    public void ShareStrings_TwoServiceTokens_RepeatedStringsAreOneInstance()
    {
        var pool = new StringPool(StringPool.DefaultCapacity);
        var a = TokenFromApi("bench-00001", "uid-1", "token-1");
        var b = TokenFromApi("bench-00002", "uid-2", "token-2");
        Assert.NotSame(a.Kind, b.Kind);

        InformerTransforms.ShareStrings(a, pool);
        InformerTransforms.ShareStrings(b, pool);

        Assert.Same(a.ApiVersion, b.ApiVersion);
        Assert.Same(a.Kind, b.Kind);
        Assert.Same(a.Metadata.NamespaceProperty, b.Metadata.NamespaceProperty);
        Assert.Same(a.Metadata.Finalizers[0], b.Metadata.Finalizers[0]);
        Assert.Same(a.Metadata.Labels.Keys.Single(), b.Metadata.Labels.Keys.Single());
        Assert.Same(a.Metadata.Annotations.Keys.Single(), b.Metadata.Annotations.Keys.Single());
        Assert.Same(a.Spec.IssuerRef.Kind, b.Spec.IssuerRef.Kind);
        Assert.Same(a.Spec.IssuerRef.Name, b.Spec.IssuerRef.Name);
        Assert.Same(a.Spec.PlanetScale!.Ttl, b.Spec.PlanetScale!.Ttl);
        Assert.Same(a.Spec.PlanetScale.Accesses![0].Database, b.Spec.PlanetScale.Accesses![0].Database);
        Assert.Same(a.Spec.PlanetScale.Accesses[0].Permissions[1], b.Spec.PlanetScale.Accesses[0].Permissions[1]);
        Assert.Same(a.Spec.Secret!.CreationPolicy, b.Spec.Secret!.CreationPolicy);
        Assert.Same(a.Spec.Secret.Template!.Data!.Keys.Single(), b.Spec.Secret.Template!.Data!.Keys.Single());
        Assert.Same(a.Spec.Rotation!.Every, b.Spec.Rotation!.Every);
        Assert.Same(a.Spec.Rotation.RestartTargets![0].Kind, b.Spec.Rotation.RestartTargets![0].Kind);
        Assert.Same(a.Spec.DeletionPolicy, b.Spec.DeletionPolicy);
        Assert.Same(a.Status!.Issuer, b.Status!.Issuer);
        Assert.Same(a.Status.RequestHash, b.Status.RequestHash);
        Assert.Same(a.Status.PendingRevocations![0].Issuer, b.Status.PendingRevocations![0].Issuer);
        Assert.Same(a.Status.LastFailure!.Reason, b.Status.LastFailure!.Reason);
        for (var i = 0; i < 3; i++)
        {
            Assert.Same(a.Status.Conditions![i].Type, b.Status.Conditions![i].Type);
            Assert.Same(a.Status.Conditions[i].Status, b.Status.Conditions[i].Status);
            Assert.Same(a.Status.Conditions[i].Reason, b.Status.Conditions[i].Reason);
        }

        Assert.Same(a.Status.Conditions![2].Message, b.Status.Conditions![2].Message);
    }

    [Fact]
    public void ShareStrings_MoreServiceTokensOfTheSameShape_PoolDoesNotGrowAndUniqueValuesStayTheirOwn()
    {
        var pool = new StringPool(StringPool.DefaultCapacity);
        var a = TokenFromApi("bench-00001", "uid-1", "token-1");
        InformerTransforms.ShareStrings(a, pool);
        var size = pool.Count;
        var b = TokenFromApi("bench-00002", "uid-2", "token-2");
        var c = TokenFromApi("bench-00003", "uid-3", "token-3", failure: "PlanetScale answered 503 (request 42)");

        InformerTransforms.ShareStrings(b, pool);
        InformerTransforms.ShareStrings(c, pool);

        Assert.Equal(size, pool.Count);
        var sameValue = TokenFromApi("bench-00002", "uid-2", "token-2");
        InformerTransforms.ShareStrings(sameValue, pool);
        Assert.NotSame(b.Metadata.Name, sameValue.Metadata.Name);
        Assert.NotSame(b.Metadata.Uid, sameValue.Metadata.Uid);
        Assert.NotSame(b.Metadata.ResourceVersion, sameValue.Metadata.ResourceVersion);
        Assert.NotSame(b.Metadata.Labels["team"], sameValue.Metadata.Labels["team"]);
        Assert.NotSame(b.Status!.TokenId, sameValue.Status!.TokenId);
        Assert.NotSame(b.Status.TokenName, sameValue.Status.TokenName);
        Assert.NotSame(b.Status.SecretMac, sameValue.Status.SecretMac);
        Assert.NotSame(b.Status.LastFailure!.Message, sameValue.Status.LastFailure!.Message);
        // Names the token, and holds digits.
        Assert.NotSame(b.Status.Conditions![0].Message, sameValue.Status.Conditions![0].Message);
    }

    [Fact]
    public void ShareStrings_ServiceTokenWritingToASecretOfItsName_SecretNamesAreItsNameInstance()
    {
        var token = TokenFromApi("bench-00001", "uid-1", "token-1");

        InformerTransforms.ShareStrings(token, new StringPool(StringPool.DefaultCapacity));

        Assert.Same(token.Metadata.Name, token.Spec.Secret!.Name);
        Assert.Same(token.Metadata.Name, token.Status!.SecretName);
    }

    [Fact]
    public void ShareStrings_TwoSecrets_KeysAndKindsAreOneInstanceAndValuesStayTheirOwn()
    {
        var pool = new StringPool(StringPool.DefaultCapacity);
        var a = SecretFromApi("bench-00001", "uid-1", "owner-1", "dG9rZW4tMQ==");
        var b = SecretFromApi("bench-00002", "uid-2", "owner-2", "dG9rZW4tMg==");

        InformerTransforms.ShareStrings(a, pool);
        InformerTransforms.ShareStrings(b, pool);

        Assert.Same(a.ApiVersion, b.ApiVersion);
        Assert.Same(a.Kind, b.Kind);
        Assert.Same(a.Type, b.Type);
        Assert.Same(a.Metadata.NamespaceProperty, b.Metadata.NamespaceProperty);
        Assert.Same(a.Metadata.OwnerReferences[0].ApiVersion, b.Metadata.OwnerReferences[0].ApiVersion);
        Assert.Same(a.Metadata.OwnerReferences[0].Kind, b.Metadata.OwnerReferences[0].Kind);
        Assert.Equal(a.Metadata.Labels.Keys, b.Metadata.Labels.Keys);
        Assert.All(a.Metadata.Labels.Keys.Zip(b.Metadata.Labels.Keys), keys => Assert.Same(keys.First, keys.Second));
        Assert.All(a.Metadata.Annotations.Keys.Zip(b.Metadata.Annotations.Keys), keys => Assert.Same(keys.First, keys.Second));
        Assert.All(a.Data.Keys.Zip(b.Data.Keys), keys => Assert.Same(keys.First, keys.Second));
        Assert.Same(a.Metadata.Labels["servicetoken.dev/managed-by"], b.Metadata.Labels["servicetoken.dev/managed-by"]);
        // The user's label values and the Secret's data values (the token among them) are never pooled.
        Assert.NotSame(a.Metadata.Labels["app"], b.Metadata.Labels["app"]);
        Assert.NotSame(a.Data["PLANETSCALE_ORG"], b.Data["PLANETSCALE_ORG"]);
        Assert.NotSame(a.Metadata.Annotations["servicetoken.dev/issued-at"], b.Metadata.Annotations["servicetoken.dev/issued-at"]);
        Assert.Same(a.Metadata.Name, a.Metadata.OwnerReferences[0].Name);
        Assert.Same(a.Metadata.Name, a.Metadata.Annotations["servicetoken.dev/service-token"]);
    }

    [Fact]
    public void ShareStrings_PoolAtItsCap_StopsAddingAndObjectsStayTheSame()
    {
        var pool = new StringPool(3);
        var token = TokenFromApi("bench-00001", "uid-1", "token-1");
        var secret = SecretFromApi("bench-00001", "uid-1", "owner-1", "dG9rZW4tMQ==");
        var before = (Json(token), Json(secret));

        InformerTransforms.ShareStrings(token, pool);
        InformerTransforms.ShareStrings(secret, pool);

        Assert.Equal(3, pool.Count);
        Assert.Equal(before, (Json(token), Json(secret)));
        var other = TokenFromApi("bench-00002", "uid-2", "token-2");
        InformerTransforms.ShareStrings(other, pool);
        // The first three strings offered are shared still; the rest stay each object's own.
        Assert.Same(token.ApiVersion, other.ApiVersion);
        Assert.NotSame(token.Status!.Issuer, other.Status!.Issuer);
    }

    [Fact]
    public void StripManagedFieldsAndShareStrings_ServiceToken_DropsManagedFieldsAndSharesStrings()
    {
        var transform = InformerTransforms.StripManagedFieldsAndShareStrings(new StringPool(StringPool.DefaultCapacity));
        var a = TokenFromApi("bench-00001", "uid-1", "token-1");
        var b = TokenFromApi("bench-00002", "uid-2", "token-2");

        transform(a);
        transform(b);

        Assert.Null(a.Metadata.ManagedFields);
        Assert.Same(a.Spec.IssuerRef.Name, b.Spec.IssuerRef.Name);
    }
}
