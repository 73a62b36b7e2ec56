using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>One served resource at one group/version: what discovery lists and what a path resolves to.</summary>
internal sealed record ResourceType(string Group, string Version, string Plural, string Singular, string Kind, bool Namespaced)
{
    public static readonly IReadOnlyList<string> AllVerbs =
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    public IReadOnlyList<string> Categories { get; init; } = [];

    public IReadOnlyList<string> Verbs { get; init; } = AllVerbs;

    public bool HasStatus { get; init; }

    public bool HasScale { get; init; }

    /// <summary>Where the scale subresource reads and writes replicas (a CRD's subresources.scale paths).</summary>
    public string SpecReplicasPath { get; init; } = ".spec.replicas";

    public string StatusReplicasPath { get; init; } = ".status.replicas";

    public string? LabelSelectorPath { get; init; }

    /// <summary>Served from a CustomResourceDefinition (schema validation, no strategic merge patch).</summary>
    public bool IsCustom { get; init; }

    /// <summary>The CRD's openAPIV3Schema for this version.</summary>
    public JsonObject? Schema { get; init; }

    /// <summary>The CRD's additionalPrinterColumns for this version.</summary>
    public JsonArray? PrinterColumns { get; init; }

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>Stored under another resource's key (events.k8s.io events live with core events).</summary>
    public string? StorageKey { get; init; }

    /// <summary>Storage key shared by every version of the resource.</summary>
    public string Key => StorageKey ?? $"{Group}/{Plural}";

    /// <summary>As in error messages: <c>secrets</c> or <c>widgets.example.dev</c>.</summary>
    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>As in Invalid messages: <c>Secret</c> or <c>Widget.example.dev</c>.</summary>
    public string GroupKind => Group.Length == 0 ? Kind : $"{Kind}.{Group}";

    /// <summary>Whether metadata.generation is kept (workloads with status, and every custom resource).</summary>
    public bool TracksGeneration => HasStatus || IsCustom;
}
