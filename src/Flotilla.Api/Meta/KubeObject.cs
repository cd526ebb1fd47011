using System.Text.Json.Serialization;

namespace Flotilla.Api.Meta;

/// <summary>What every typed API object has: type meta and object meta.</summary>
public abstract class KubeObject
{
    [JsonPropertyOrder(-3)]
    public string? ApiVersion { get; set; }

    [JsonPropertyOrder(-2)]
    public string? Kind { get; set; }

    [JsonPropertyOrder(-1)]
    public ObjectMeta Metadata { get; set; } = new();

    /// <summary>An owner reference to this object, as a controller (<c>controller: true</c>) or not.</summary>
    public OwnerReference OwnerReference(bool controller = true) => new()
    {
        ApiVersion = ApiVersion ?? "",
        Kind = Kind ?? "",
        Name = Metadata.Name ?? "",
        Uid = Metadata.Uid ?? "",
        Controller = controller,
        BlockOwnerDeletion = true,
    };
}
