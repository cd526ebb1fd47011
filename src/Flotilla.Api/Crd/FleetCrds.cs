using System.Text.Json.Nodes;

namespace Flotilla.Api.Crd;

/// <summary>The fleet's CustomResourceDefinitions, generated from the API types, and which clusters get which.</summary>
public static class FleetCrds
{
    // Upstream installs only these on members: the work applier's AppliedWork and the three networking kinds
    // users create there (networking spec §1.1, "member mode").
    private static readonly string[] MemberCrdNames =
    [
        "appliedworks.placement.kubernetes-fleet.io",
        "multiclusterservices.networking.fleet.azure.com",
        "serviceexports.networking.fleet.azure.com",
        "serviceimports.networking.fleet.azure.com",
    ];

    private static readonly Lazy<IReadOnlyList<JsonObject>> AllCrds =
        new(() => [.. CrdGenerator.RootTypes(typeof(FleetCrds).Assembly).Select(CrdGenerator.Generate)]);

    /// <summary>Every fleet CRD, ordered by name: what a hub serves. Callers get fresh copies they may change.</summary>
    public static IReadOnlyList<JsonObject> Hub => [.. AllCrds.Value.Select(c => (JsonObject)c.DeepClone())];

    /// <summary>The CRDs a member cluster serves.</summary>
    public static IReadOnlyList<JsonObject> Member =>
        [.. AllCrds.Value.Where(c => MemberCrdNames.Contains(Name(c))).Select(c => (JsonObject)c.DeepClone())];

    /// <summary>The CRD's <c>metadata.name</c>.</summary>
    public static string Name(JsonObject crd) => crd["metadata"]?["name"]?.GetValue<string>() ?? "";

    /// <summary>The file a CRD is written to in <c>deploy/crds</c>: <c>&lt;group&gt;_&lt;plural&gt;.yaml</c>, as controller-gen names them.</summary>
    public static string FileName(JsonObject crd)
    {
        var spec = crd["spec"]!;
        return $"{spec["group"]!.GetValue<string>()}_{spec["names"]!["plural"]!.GetValue<string>()}.yaml";
    }

    /// <summary>The YAML a CRD file holds.</summary>
    public static string ToYaml(JsonObject crd) => YamlWriter.Write(crd);
}
