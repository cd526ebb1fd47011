using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Flotilla.Api.Meta;

/// <summary>The wire form of <c>metadata</c> on every typed object (metav1.ObjectMeta).</summary>
public sealed class ObjectMeta
{
    public string? Name { get; set; }

    public string? GenerateName { get; set; }

    public string? Namespace { get; set; }

    public string? Uid { get; set; }

    public string? ResourceVersion { get; set; }

    public long? Generation { get; set; }

    public DateTimeOffset? CreationTimestamp { get; set; }

    public DateTimeOffset? DeletionTimestamp { get; set; }

    public long? DeletionGracePeriodSeconds { get; set; }

    public Dictionary<string, string>? Labels { get; set; }

    public Dictionary<string, string>? Annotations { get; set; }

    public List<OwnerReference>? OwnerReferences { get; set; }

    public List<string>? Finalizers { get; set; }

    /// <summary>Kept verbatim: only the server interprets managed fields.</summary>
    public JsonArray? ManagedFields { get; set; }

    [JsonIgnore]
    public bool IsDeleting => DeletionTimestamp is not null;

    public string? Label(string key) => Labels is not null && Labels.TryGetValue(key, out var value) ? value : null;

    public string? Annotation(string key) => Annotations is not null && Annotations.TryGetValue(key, out var value) ? value : null;

    public bool HasFinalizer(string finalizer) => Finalizers?.Contains(finalizer) == true;

    /// <summary>Adds the finalizer; false when it was already there.</summary>
    public bool AddFinalizer(string finalizer)
    {
        Finalizers ??= [];
        if (Finalizers.Contains(finalizer))
        {
            return false;
        }
        Finalizers.Add(finalizer);
        return true;
    }

    /// <summary>Removes the finalizer; false when it was not there.</summary>
    public bool RemoveFinalizer(string finalizer) => Finalizers?.Remove(finalizer) == true;

    /// <summary>Sets a label; false when it already had that value.</summary>
    public bool SetLabel(string key, string value)
    {
        Labels ??= [];
        if (Labels.TryGetValue(key, out var existing) && existing == value)
        {
            return false;
        }
        Labels[key] = value;
        return true;
    }

    /// <summary>Sets an annotation; false when it already had that value.</summary>
    public bool SetAnnotation(string key, string value)
    {
        Annotations ??= [];
        if (Annotations.TryGetValue(key, out var existing) && existing == value)
        {
            return false;
        }
        Annotations[key] = value;
        return true;
    }
}

/// <summary>metav1.OwnerReference.</summary>
public sealed class OwnerReference
{
    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public string Name { get; set; } = "";

    public string Uid { get; set; } = "";

    public bool? Controller { get; set; }

    public bool? BlockOwnerDeletion { get; set; }
}
