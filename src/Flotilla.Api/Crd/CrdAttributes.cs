namespace Flotilla.Api.Crd;

// The attributes below make a C# type the single source of truth for a CustomResourceDefinition: the generator
// (CrdGenerator) reads them to write the OpenAPI v3 schema, names, versions and printer columns. They mirror
// upstream's kubebuilder markers one to one, so a field's rules are read next to the field.

/// <summary>Marks the root type of a custom resource.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class CustomResourceAttribute(string group, string kind, string plural) : Attribute
{
    public string Group { get; } = group;

    public string Kind { get; } = kind;

    public string Plural { get; } = plural;

    public bool Namespaced { get; init; } = true;

    public string[] ShortNames { get; init; } = [];

    public string[] Categories { get; init; } = [];

    /// <summary>Served versions; the first is the storage version.</summary>
    public string[] Versions { get; init; } = ["v1beta1"];

    public bool StatusSubresource { get; init; }
}

/// <summary>A kubectl printer column (<c>additionalPrinterColumns</c>), in declaration order by <paramref name="order"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class PrinterColumnAttribute(int order, string name, string type, string jsonPath) : Attribute
{
    public int Order { get; } = order;

    public string Name { get; } = name;

    public string Type { get; } = type;

    public string JsonPath { get; } = jsonPath;

    public int Priority { get; init; }

    public string? Description { get; init; }

    public string? Format { get; init; }
}

/// <summary>A CEL rule (<c>x-kubernetes-validations</c>) on the schema of the annotated type or property.</summary>
/// <remarks>
/// Real API servers evaluate these; Flotilla's server does not evaluate CEL, so every rule declared here has its
/// equivalent in the fleet admission code with the same message.
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class ValidationRuleAttribute(string rule, string message) : Attribute
{
    public string Rule { get; } = rule;

    public string Message { get; } = message;
}

/// <summary>The field must be present (<c>required</c> in the parent's schema).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredAttribute : Attribute;

/// <summary>The schema default, as a JSON literal: <c>"60"</c>, <c>"\"PickAll\""</c>, <c>"{}"</c>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DefaultAttribute(string json) : Attribute
{
    public string Json { get; } = json;
}

/// <summary>The allowed string values.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class EnumAttribute(params string[] values) : Attribute
{
    public string[] Values { get; } = values;
}

[AttributeUsage(AttributeTargets.Property)]
public sealed class MinimumAttribute(long value) : Attribute
{
    public long Value { get; } = value;
}

[AttributeUsage(AttributeTargets.Property)]
public sealed class MaximumAttribute(long value) : Attribute
{
    public long Value { get; } = value;
}

[AttributeUsage(AttributeTargets.Property)]
public sealed class MinItemsAttribute(int value) : Attribute
{
    public int Value { get; } = value;
}

[AttributeUsage(AttributeTargets.Property)]
public sealed class MaxItemsAttribute(int value) : Attribute
{
    public int Value { get; } = value;
}

[AttributeUsage(AttributeTargets.Property)]
public sealed class MinLengthAttribute(int value) : Attribute
{
    public int Value { get; } = value;
}

[AttributeUsage(AttributeTargets.Property)]
public sealed class MaxLengthAttribute(int value) : Attribute
{
    public int Value { get; } = value;
}

[AttributeUsage(AttributeTargets.Property)]
public sealed class PatternAttribute(string regex) : Attribute
{
    public string Regex { get; } = regex;
}

/// <summary>The OpenAPI <c>format</c> (for example <c>date-time</c>, <c>int32</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FormatAttribute(string format) : Attribute
{
    public string Format { get; } = format;
}

/// <summary><c>x-kubernetes-list-type</c> (<c>atomic</c>, <c>set</c>, <c>map</c>) and, for maps, the key fields.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListTypeAttribute(string type, params string[] mapKeys) : Attribute
{
    public string Type { get; } = type;

    public string[] MapKeys { get; } = mapKeys;
}

/// <summary><c>x-kubernetes-map-type: atomic</c>: the object is replaced as a whole by merges and apply.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Class)]
public sealed class AtomicAttribute : Attribute;

/// <summary>An arbitrary embedded Kubernetes object (runtime.RawExtension): kept as is, with its own type and metadata.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class EmbeddedResourceAttribute : Attribute;

/// <summary>Values are Kubernetes quantities (<c>4</c>, <c>16Gi</c>, <c>500m</c>): int-or-string with the quantity pattern.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class QuantityAttribute : Attribute;

/// <summary>The field exists only in these versions of the resource (for example v1beta1-only fields).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ServedInAttribute(params string[] versions) : Attribute
{
    public string[] Versions { get; } = versions;
}
