using System.Text;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.ApiServer.Registry;
using Flotilla.ApiServer.Schema;

namespace Flotilla.ApiServer.Validation;

/// <summary>
/// Validates <c>metadata</c> of any object on create and update: name and generateName, labels, annotations,
/// ownerReferences and finalizers, with upstream's field paths and messages. Server-owned fields (uid,
/// resourceVersion, timestamps) are the server's business and are not checked here.
/// </summary>
internal static class ObjectMetaValidation
{
    /// <summary>Upstream's limit on the summed length of all annotation keys and values.</summary>
    public const int TotalAnnotationSizeLimitBytes = 256 * 1024;

    private const string OrphanFinalizer = "orphan";
    private const string ForegroundFinalizer = "foregroundDeletion";

    /// <summary>
    /// The fields of <c>ObjectMeta</c>. Anything else under <c>metadata</c> is an unknown field: it is pruned and,
    /// with <c>fieldValidation=Strict</c>, reported.
    /// </summary>
    public static readonly IReadOnlySet<string> KnownFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
        "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
        "ownerReferences", "finalizers", "managedFields",
    };

    /// <summary>Validates <c>obj.metadata</c> for the resource described by <paramref name="definition"/>.</summary>
    public static List<StatusCause> Validate(JsonObject obj, ResourceDefinition definition) =>
        Validate(obj["metadata"] as JsonObject, NameRules.For(definition), definition.Namespaced);

    /// <summary>
    /// Validates a metadata object. Call it after generateName has been expanded into a name: an empty name is
    /// reported as <c>metadata.name: Required value: name or generateName is required</c>.
    /// </summary>
    public static List<StatusCause> Validate(JsonObject? metadata, NameKind nameKind, bool namespaced)
    {
        var causes = new List<StatusCause>();
        metadata ??= [];

        if (metadata["generateName"] is JsonValue gnValue && gnValue.TryGetValue<string>(out var generateName) && generateName.Length > 0)
        {
            foreach (var msg in NameRules.Check(nameKind, generateName, isPrefix: true))
            {
                causes.Add(FieldErrors.Invalid("metadata.generateName", generateName, msg));
            }
        }

        var name = JsonKinds.Text(metadata["name"]);
        if (name.Length == 0)
        {
            causes.Add(FieldErrors.Required("metadata.name", "name or generateName is required"));
        }
        else
        {
            foreach (var msg in NameRules.Check(nameKind, name))
            {
                causes.Add(FieldErrors.Invalid("metadata.name", name, msg));
            }
        }

        // The namespace comes from the URL and is cleared for cluster-scoped kinds by the server, so only its syntax
        // is checked here.
        var ns = JsonKinds.Text(metadata["namespace"]);
        if (namespaced && ns.Length > 0)
        {
            foreach (var msg in NameValidation.IsDns1123Label(ns))
            {
                causes.Add(FieldErrors.Invalid("metadata.namespace", ns, msg));
            }
        }

        if (JsonKinds.TryGetInt64(metadata["generation"], out var generation) && generation < 0)
        {
            causes.Add(FieldErrors.Invalid("metadata.generation", generation, "must be greater than or equal to 0"));
        }

        ValidateLabels(metadata["labels"], "metadata.labels", causes);
        ValidateAnnotations(metadata["annotations"], "metadata.annotations", causes);
        ValidateOwnerReferences(metadata["ownerReferences"], "metadata.ownerReferences", causes);
        ValidateFinalizers(metadata["finalizers"], "metadata.finalizers", causes);
        return causes;
    }

    /// <summary>Label keys are qualified names; values are empty or at most 63 characters of the label charset.</summary>
    public static void ValidateLabels(JsonNode? labels, string field, List<StatusCause> causes)
    {
        if (labels is null)
        {
            return;
        }
        if (labels is not JsonObject map)
        {
            causes.Add(FieldErrors.TypeInvalid(field, JsonKinds.TypeName(labels), "must be a map of string keys to string values"));
            return;
        }
        foreach (var (key, value) in map)
        {
            foreach (var msg in NameValidation.IsLabelKey(key))
            {
                causes.Add(FieldErrors.Invalid(field, key, msg));
            }
            if (JsonKinds.Of(value) != JsonKind.String)
            {
                causes.Add(FieldErrors.TypeInvalid(field + "[" + key + "]", JsonKinds.TypeName(value), "label values must be strings"));
                continue;
            }
            var text = value!.GetValue<string>();
            foreach (var msg in NameValidation.IsValidLabelValue(text))
            {
                causes.Add(FieldErrors.Invalid(field, text, msg));
            }
        }
    }

    private static void ValidateAnnotations(JsonNode? annotations, string field, List<StatusCause> causes)
    {
        if (annotations is null)
        {
            return;
        }
        if (annotations is not JsonObject map)
        {
            causes.Add(FieldErrors.TypeInvalid(field, JsonKinds.TypeName(annotations), "must be a map of string keys to string values"));
            return;
        }
        long totalBytes = 0;
        foreach (var (key, value) in map)
        {
            // Upstream checks annotation keys case-insensitively: the rule is the label-key rule on the lowercased key.
            foreach (var msg in NameValidation.IsLabelKey(key.ToLowerInvariant()))
            {
                causes.Add(FieldErrors.Invalid(field, key, msg));
            }
            totalBytes += Encoding.UTF8.GetByteCount(key);
            if (JsonKinds.Of(value) == JsonKind.String)
            {
                totalBytes += Encoding.UTF8.GetByteCount(value!.GetValue<string>());
            }
            else
            {
                causes.Add(FieldErrors.TypeInvalid(field + "[" + key + "]", JsonKinds.TypeName(value), "annotation values must be strings"));
            }
        }
        if (totalBytes > TotalAnnotationSizeLimitBytes)
        {
            causes.Add(FieldErrors.TooLong(field, $"may not be more than {TotalAnnotationSizeLimitBytes} bytes"));
        }
    }

    private static void ValidateOwnerReferences(JsonNode? refs, string field, List<StatusCause> causes)
    {
        if (refs is null)
        {
            return;
        }
        if (refs is not JsonArray list)
        {
            causes.Add(FieldErrors.TypeInvalid(field, JsonKinds.TypeName(refs), "must be a list of owner references"));
            return;
        }
        string? firstController = null;
        foreach (var item in list)
        {
            if (item is not JsonObject reference)
            {
                causes.Add(FieldErrors.TypeInvalid(field, JsonKinds.TypeName(item), "must be an owner reference object"));
                continue;
            }
            // Upstream reports these on the list's path without an index.
            var apiVersion = JsonKinds.Text(reference["apiVersion"]);
            var kind = JsonKinds.Text(reference["kind"]);
            var (group, version) = SplitApiVersion(apiVersion);
            if (version.Length == 0)
            {
                causes.Add(FieldErrors.Invalid(field + ".apiVersion", apiVersion, "version must not be empty"));
            }
            if (kind.Length == 0)
            {
                causes.Add(FieldErrors.Invalid(field + ".kind", kind, "must not be empty"));
            }
            var refName = JsonKinds.Text(reference["name"]);
            if (refName.Length == 0)
            {
                causes.Add(FieldErrors.Invalid(field + ".name", refName, "must not be empty"));
            }
            var uid = JsonKinds.Text(reference["uid"]);
            if (uid.Length == 0)
            {
                causes.Add(FieldErrors.Invalid(field + ".uid", uid, "must not be empty"));
            }
            // Events may not own anything: they are garbage collected on their own schedule.
            if (group.Length == 0 && version == "v1" && kind == "Event")
            {
                causes.Add(FieldErrors.Invalid(field, reference, "/v1, Kind=Event is disallowed from being an owner"));
            }
            if (JsonKinds.IsTrue(reference["controller"]))
            {
                var current = kind + "/" + refName;
                if (firstController is null)
                {
                    firstController = current;
                }
                else
                {
                    causes.Add(FieldErrors.Invalid(field, list, $"Only one reference can have Controller set to true. Found \"true\" in references for {firstController} and {current}"));
                }
            }
        }
    }

    private static void ValidateFinalizers(JsonNode? finalizers, string field, List<StatusCause> causes)
    {
        if (finalizers is null)
        {
            return;
        }
        if (finalizers is not JsonArray list)
        {
            causes.Add(FieldErrors.TypeInvalid(field, JsonKinds.TypeName(finalizers), "must be a list of strings"));
            return;
        }
        var orphan = false;
        var foreground = false;
        foreach (var item in list)
        {
            if (JsonKinds.Of(item) != JsonKind.String)
            {
                causes.Add(FieldErrors.TypeInvalid(field, JsonKinds.TypeName(item), "finalizers must be strings"));
                continue;
            }
            var finalizer = item!.GetValue<string>();
            foreach (var msg in NameValidation.IsLabelKey(finalizer))
            {
                causes.Add(FieldErrors.Invalid(field, finalizer, msg));
            }
            orphan |= finalizer == OrphanFinalizer;
            foreground |= finalizer == ForegroundFinalizer;
        }
        if (orphan && foreground)
        {
            causes.Add(FieldErrors.Invalid(field, list, $"finalizer {OrphanFinalizer} and {ForegroundFinalizer} cannot be both set"));
        }
    }

    /// <summary>Splits <c>group/version</c>; a core <c>v1</c> has an empty group, and a malformed value yields no version.</summary>
    private static (string Group, string Version) SplitApiVersion(string apiVersion)
    {
        var parts = apiVersion.Split('/');
        return parts.Length switch
        {
            1 => ("", parts[0]),
            2 => (parts[0], parts[1]),
            _ => ("", ""),
        };
    }
}
