using static Flotilla.ApiServer.Protobuf.F;

namespace Flotilla.ApiServer.Protobuf;

/// <summary>
/// Schemas of <c>k8s.io/apimachinery/pkg/apis/meta/v1</c> messages. Field numbers are those of upstream
/// <c>generated.proto</c>; JSON names and order are those of the Go structs.
/// Declaration order matters: a schema must be declared after every schema it references.
/// </summary>
internal static class MetaSchemas
{
    public static readonly MessageSchema OwnerReference = new("OwnerReference",
        Str(5, "apiVersion"),
        Str(1, "kind"),
        Str(3, "name"),
        Str(4, "uid"),
        Bool(6, "controller").Keep(),
        Bool(7, "blockOwnerDeletion").Keep());

    public static readonly MessageSchema ManagedFieldsEntry = new("ManagedFieldsEntry",
        Str(1, "manager"),
        Str(2, "operation"),
        Str(3, "apiVersion"),
        Time(4, "time"),
        Str(6, "fieldsType"),
        Json(7, "fieldsV1"),
        Str(8, "subresource"));

    public static readonly MessageSchema ObjectMeta = new("ObjectMeta",
        Str(1, "name"),
        Str(2, "generateName"),
        Str(3, "namespace"),
        Str(4, "selfLink"),
        Str(5, "uid"),
        Str(6, "resourceVersion"),
        Long(7, "generation"),
        Time(8, "creationTimestamp"),
        Time(9, "deletionTimestamp"),
        Long(10, "deletionGracePeriodSeconds").Keep(),
        StrMap(11, "labels"),
        StrMap(12, "annotations"),
        Msgs(13, "ownerReferences", OwnerReference),
        Strs(14, "finalizers"),
        Msgs(17, "managedFields", ManagedFieldsEntry));

    public static readonly MessageSchema LabelSelectorRequirement = new("LabelSelectorRequirement",
        Str(1, "key"),
        Str(2, "operator"),
        Strs(3, "values"));

    /// <summary>Always referenced with <c>.Keep()</c> where Go has a pointer: an empty selector selects everything.</summary>
    public static readonly MessageSchema LabelSelector = new("LabelSelector",
        StrMap(1, "matchLabels"),
        Msgs(2, "matchExpressions", LabelSelectorRequirement));
}
