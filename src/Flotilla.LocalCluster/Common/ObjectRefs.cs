using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.Client;

namespace Flotilla.LocalCluster.Common;

/// <summary>Owner references: reading an object's controller and writing a controller reference to an owner.</summary>
internal static class ObjectRefs
{
    /// <summary>The owner reference marked <c>controller: true</c>; null when none.</summary>
    public static JsonObject? ControllerOf(JsonObject obj) =>
        Json.Items(obj.At("metadata", "ownerReferences")).FirstOrDefault(r => Json.Bool(r["controller"]));

    /// <summary>The controller's uid; null when the object has no controller.</summary>
    public static string? ControllerUid(JsonObject obj) => ControllerOf(obj) is { } r ? Json.Str(r["uid"]) : null;

    /// <summary>Whether the object's controller is of <paramref name="owner"/>'s group and kind (any version); its name and uid when so.</summary>
    public static bool IsControlledBy(JsonObject obj, ResourceMapping owner, out string name, out string uid)
    {
        name = "";
        uid = "";
        if (ControllerOf(obj) is not { } reference)
        {
            return false;
        }
        var kind = GroupVersionKind.FromApiVersion(Json.Str(reference["apiVersion"]) ?? "", Json.Str(reference["kind"]) ?? "");
        if (kind.Group != owner.Kind.Group || kind.Kind != owner.Kind.Kind)
        {
            return false;
        }
        name = Json.Str(reference["name"]) ?? "";
        uid = Json.Str(reference["uid"]) ?? "";
        return name.Length > 0;
    }

    /// <summary>A controller reference to <paramref name="owner"/>, as <c>metav1.NewControllerRef</c> writes it.</summary>
    public static JsonObject ControllerRef(JsonObject owner, ResourceMapping kind) => new()
    {
        ["apiVersion"] = kind.Kind.ApiVersion,
        ["kind"] = kind.Kind.Kind,
        ["name"] = owner.Name(),
        ["uid"] = owner.Uid(),
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };
}
