using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Flotilla.Api.Unstructured;

namespace Flotilla.Client;

/// <summary>Source-generated metadata for the dynamic client's <see cref="JsonObject"/>, with the wire settings of <see cref="Obj.Wire"/>.</summary>
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class ClientJsonContext : JsonSerializerContext
{
    /// <summary>Deep nesting and unescaped output, as every Flotilla component reads and writes objects.</summary>
    public static readonly ClientJsonContext Wire = new(new JsonSerializerOptions(Obj.Wire));

    public static JsonTypeInfo<JsonObject> Object => Wire.JsonObject;
}
