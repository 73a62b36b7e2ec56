using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace ServiceTokenOperator.Hosting;

/// <summary>
/// Reads a kubeconfig file as <see cref="KubernetesClientConfiguration.BuildConfigFromConfigFile(string, string, string, bool)"/>
/// does (its current context, or the one named; relative certificate paths against the file's folder), with a
/// YamlDotNet deserializer of the kubeconfig types alone. KubernetesClient reads it with KubernetesYaml, whose first
/// use maps every API model type of the library for YAML and keeps ≈ 50,000 attribute mappings for the life of the
/// process: reading a 20-line file raised a fresh process's RSS by ≈ 57 MB, against ≈ 17 MB this way (issue 9).
/// In-cluster configuration never reads YAML.
/// </summary>
internal static class KubeconfigLoader
{
    public static KubernetesClientConfiguration FromFile(string path, string? context = null)
    {
        var file = new FileInfo(path);
        if (!file.Exists) throw new KubeConfigException($"kubeconfig file not found at {file.FullName}");
        // Names come from the models' [YamlMember] aliases; camelCase is KubernetesYaml's convention for any without.
        var yaml = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).IgnoreUnmatchedProperties().Build();
        var config = yaml.Deserialize<K8SConfiguration?>(File.ReadAllText(file.FullName))
            ?? throw new KubeConfigException($"kubeconfig file {file.FullName} is empty");
        config.FileName = file.FullName;
        return KubernetesClientConfiguration.BuildConfigFromConfigObject(config, context);
    }
}
