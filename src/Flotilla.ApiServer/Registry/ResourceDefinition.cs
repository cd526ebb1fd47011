using System.Text.Json.Nodes;

namespace Flotilla.ApiServer.Registry;

/// <summary>
/// Everything the server knows about one served resource in one group-version: names for discovery, scope,
/// subresources, how to print it and (for custom resources) its schema.
/// </summary>
internal sealed record ResourceDefinition
{
    /// <summary>API group; empty for the core group.</summary>
    public required string Group { get; init; }

    public required string Version { get; init; }

    public required string Kind { get; init; }

    /// <summary>The URL segment, e.g. <c>deployments</c>.</summary>
    public required string Plural { get; init; }

    public required string Singular { get; init; }

    public required bool Namespaced { get; init; }

    public string ListKind => ListKindOverride ?? Kind + "List";

    public string? ListKindOverride { get; init; }

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Whether <c>/status</c> is a separate subresource (status isolation applies).</summary>
    public bool HasStatusSubresource { get; init; }

    /// <summary>The scale subresource's mapping, when served.</summary>
    public ScaleMapping? Scale { get; init; }

    /// <summary>Whether objects carry <c>metadata.generation</c> (bumped on spec changes).</summary>
    public bool TracksGeneration { get; init; }

    /// <summary>True for kinds defined by a CustomResourceDefinition.</summary>
    public bool IsCustom { get; init; }

    /// <summary>For custom resources: the version's <c>schema.openAPIV3Schema</c>.</summary>
    public JsonObject? Schema { get; init; }

    /// <summary>For custom resources: the version's <c>additionalPrinterColumns</c>, in order.</summary>
    public IReadOnlyList<PrinterColumn> PrinterColumns { get; init; } = [];

    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary><c>plural.group</c> as used in messages, e.g. <c>deployments.apps</c>.</summary>
    public string QualifiedResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}

/// <summary>Where a scale subresource reads and writes replicas (JSON paths like <c>.spec.replicas</c>).</summary>
internal sealed record ScaleMapping(string SpecReplicasPath, string StatusReplicasPath, string? LabelSelectorPath);

/// <summary>One CRD <c>additionalPrinterColumns</c> entry.</summary>
internal sealed record PrinterColumn(string Name, string Type, string JsonPath, string Format = "", string Description = "", int Priority = 0);
