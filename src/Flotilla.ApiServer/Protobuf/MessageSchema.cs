namespace Flotilla.ApiServer.Protobuf;

/// <summary>How one protobuf field's value is read and turned into JSON.</summary>
internal enum FieldType
{
    /// <summary>Length-delimited UTF-8; JSON string.</summary>
    String,

    /// <summary>Length-delimited bytes; JSON base64 string, as Go's encoding/json writes <c>[]byte</c>.</summary>
    Bytes,

    /// <summary>Varint; JSON true/false.</summary>
    Bool,

    /// <summary>Varint truncated to 32 bits, as Go's generated code does; JSON number.</summary>
    Int32,

    /// <summary>Varint; JSON number.</summary>
    Int64,

    /// <summary>A nested message described by <see cref="ProtoField.Message"/>; JSON object.</summary>
    Message,

    /// <summary><c>meta/v1.Time</c> {1 seconds, 2 nanos}; JSON RFC 3339 string in UTC, whole seconds.</summary>
    Time,

    /// <summary><c>intstr.IntOrString</c> {1 type, 2 intVal, 3 strVal}; JSON number or string.</summary>
    IntOrString,

    /// <summary><c>resource.Quantity</c> {1 string}; JSON string.</summary>
    Quantity,

    /// <summary><c>FieldsV1</c> / <c>RawExtension</c> {1 raw JSON bytes}; the parsed JSON value.</summary>
    RawJson,

    /// <summary><c>map&lt;string,string&gt;</c>: repeated entry messages {1 key, 2 value}; JSON object.</summary>
    StringMap,

    /// <summary><c>map&lt;string,bytes&gt;</c>; JSON object of base64 strings.</summary>
    BytesMap,

    /// <summary><c>map&lt;string,Quantity&gt;</c>; JSON object of quantity strings.</summary>
    QuantityMap,
}

/// <summary>
/// One field of a message schema. Fields are declared in the order of the Go struct, which is the order the
/// Kubernetes JSON API writes them in, so the decoded object reads the way <c>kubectl get -o json</c> does.
/// </summary>
/// <param name="Number">The protobuf field number from upstream <c>generated.proto</c>.</param>
/// <param name="JsonName">The JSON name (Go json tag).</param>
/// <param name="Type">How the value is decoded.</param>
/// <param name="Message">The nested schema for <see cref="FieldType.Message"/>.</param>
/// <param name="Repeated">A list: every occurrence appends one item; items are never dropped, even when empty.</param>
/// <param name="Inline">An embedded Go struct (<c>json:",inline"</c>): its fields are written into the parent.</param>
/// <param name="KeepZero">
/// Emit the value whenever it is on the wire, even if zero, false or an empty object. Go's generated marshaller writes
/// non-pointer scalars always and pointer fields only when set, so for pointer fields (<c>replicas</c>,
/// <c>immutable</c>, <c>emptyDir</c>, …) presence means "explicitly set" and an explicit 0 must survive. Also used for
/// the few non-pointer numbers whose JSON tag has no <c>omitempty</c> (<c>containerPort</c>, <c>port</c>,
/// <c>value</c>). Strings ignore it: an empty string is always treated as absent.
/// </param>
internal sealed record ProtoField(
    int Number,
    string JsonName,
    FieldType Type,
    MessageSchema? Message = null,
    bool Repeated = false,
    bool Inline = false,
    bool KeepZero = false)
{
    /// <summary>This field is a Go pointer (or has no omitempty): keep explicit zero values.</summary>
    public ProtoField Keep() => this with { KeepZero = true };

    /// <summary>The wire type the field's non-repeated encoding uses.</summary>
    public WireType ExpectedWireType => Type switch
    {
        FieldType.Bool or FieldType.Int32 or FieldType.Int64 => WireType.Varint,
        _ => WireType.LengthDelimited,
    };

    /// <summary>Numeric repeated fields may also arrive packed (one length-delimited run of varints).</summary>
    public bool MayBePacked => Repeated && ExpectedWireType == WireType.Varint;
}

/// <summary>
/// The declarative description of one protobuf message: its name (for error messages) and its known fields.
/// Unknown field numbers are skipped by the decoder, so a schema may list only the fields this server cares about.
/// </summary>
internal sealed class MessageSchema
{
    /// <summary>Field number → index in <see cref="Fields"/>, or -1; field numbers are small and dense.</summary>
    private readonly int[] _slotByNumber;

    public MessageSchema(string name, params ProtoField[] fields)
    {
        Name = name;
        Fields = fields;
        var max = 0;
        foreach (var field in fields)
        {
            // A message field whose schema is still null means the static tables were declared out of order;
            // failing here surfaces that at type initialisation instead of as a null dereference on a request.
            if (field.Type == FieldType.Message && field.Message is null)
            {
                throw new InvalidOperationException($"schema {name}: field {field.JsonName} references a schema that is not yet initialised");
            }
            if (field.Inline && field.Type != FieldType.Message)
            {
                throw new InvalidOperationException($"schema {name}: only message fields can be inline");
            }
            if (field.Repeated && field.Type is FieldType.StringMap or FieldType.BytesMap or FieldType.QuantityMap)
            {
                // A map already is a repeated entry message; the decoder reads maps only on the non-repeated path.
                throw new InvalidOperationException($"schema {name}: map field {field.JsonName} cannot also be repeated");
            }
            max = Math.Max(max, field.Number);
        }
        _slotByNumber = new int[max + 1];
        Array.Fill(_slotByNumber, -1);
        for (var i = 0; i < fields.Length; i++)
        {
            if (_slotByNumber[fields[i].Number] >= 0)
            {
                throw new InvalidOperationException($"schema {name}: field number {fields[i].Number} declared twice");
            }
            _slotByNumber[fields[i].Number] = i;
        }
    }

    public string Name { get; }

    /// <summary>Fields in JSON output order.</summary>
    public IReadOnlyList<ProtoField> Fields { get; }

    /// <summary>Index of the field with this number in <see cref="Fields"/> (its output slot), or -1 if unknown.</summary>
    public int SlotOf(int number) => number < _slotByNumber.Length ? _slotByNumber[number] : -1;
}

/// <summary>Short constructors that keep the schema tables readable: one line per field.</summary>
internal static class F
{
    public static ProtoField Str(int number, string name) => new(number, name, FieldType.String);

    public static ProtoField Strs(int number, string name) => new(number, name, FieldType.String, Repeated: true);

    public static ProtoField Bool(int number, string name) => new(number, name, FieldType.Bool);

    public static ProtoField Int(int number, string name) => new(number, name, FieldType.Int32);

    public static ProtoField Ints(int number, string name) => new(number, name, FieldType.Int32, Repeated: true);

    public static ProtoField Long(int number, string name) => new(number, name, FieldType.Int64);

    public static ProtoField Longs(int number, string name) => new(number, name, FieldType.Int64, Repeated: true);

    public static ProtoField Msg(int number, string name, MessageSchema schema) => new(number, name, FieldType.Message, schema);

    public static ProtoField Msgs(int number, string name, MessageSchema schema) => new(number, name, FieldType.Message, schema, Repeated: true);

    /// <summary>An embedded struct whose fields the JSON writes at the parent's level.</summary>
    public static ProtoField Inline(int number, MessageSchema schema) => new(number, schema.Name, FieldType.Message, schema, Inline: true);

    public static ProtoField Time(int number, string name) => new(number, name, FieldType.Time);

    public static ProtoField IntOrString(int number, string name) => new(number, name, FieldType.IntOrString);

    public static ProtoField Quantity(int number, string name) => new(number, name, FieldType.Quantity);

    public static ProtoField Json(int number, string name) => new(number, name, FieldType.RawJson);

    public static ProtoField StrMap(int number, string name) => new(number, name, FieldType.StringMap);

    public static ProtoField BytesMap(int number, string name) => new(number, name, FieldType.BytesMap);

    public static ProtoField QtyMap(int number, string name) => new(number, name, FieldType.QuantityMap);
}
