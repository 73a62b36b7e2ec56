using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using k8s.Exceptions;
using ServiceTokenOperator.Hosting;

namespace ServiceTokenOperator.Tests.Hosting;

public sealed class KubeconfigLoaderTests : IDisposable
{
    private const string TwoContexts = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: local
          cluster:
            server: http://127.0.0.1:6443
        - name: secure
          cluster:
            server: https://kube.example:6443
            certificate-authority: certs/ca.crt
            tls-server-name: kube.internal
        contexts:
        - name: local
          context:
            cluster: local
            user: robot
            namespace: apps
        - name: secure
          context:
            cluster: secure
            user: robot
        current-context: local
        users:
        - name: robot
          user:
            token: not-a-real-token
        preferences: {}
        """;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kubeconfig-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void FromFile_NoContextGiven_UsesTheCurrentContext()
    {
        var config = KubeconfigLoader.FromFile(Write(TwoContexts));

        Assert.Equal("http://127.0.0.1:6443", config.Host.TrimEnd('/'));
        Assert.Equal("not-a-real-token", config.AccessToken);
        Assert.Equal("apps", config.Namespace);
        Assert.Equal("local", config.CurrentContext);
    }

    [Fact]
    public void FromFile_NamedContext_ReadsItsClusterWithTheCaRelativeToTheFile()
    {
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "certs"));
        using var key = ECDsa.Create();
        using var ca = new CertificateRequest("CN=test-ca", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(100));
        File.WriteAllText(Path.Combine(_dir.FullName, "certs", "ca.crt"), ca.ExportCertificatePem());

        var config = KubeconfigLoader.FromFile(Write(TwoContexts), "secure");

        Assert.Equal("https://kube.example:6443", config.Host.TrimEnd('/'));
        Assert.Equal("kube.internal", config.TlsServerName);
        Assert.Equal(ca.Thumbprint, Assert.Single(config.SslCaCerts).Thumbprint);
    }

    [Fact]
    public void FromFile_UnknownContext_SaysSo()
    {
        var error = Assert.Throws<KubeConfigException>(() => KubeconfigLoader.FromFile(Write(TwoContexts), "nowhere"));

        Assert.Contains("nowhere", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFile_MissingFile_NamesThePath()
    {
        var path = Path.Combine(_dir.FullName, "absent");

        var error = Assert.Throws<KubeConfigException>(() => KubeconfigLoader.FromFile(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    private string Write(string yaml)
    {
        var path = Path.Combine(_dir.FullName, "config");
        File.WriteAllText(path, yaml);
        return path;
    }
}
