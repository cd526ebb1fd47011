using System.ComponentModel;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Tests.Crd;

public sealed class CrdGeneratorTests
{
    [Fact]
    public void Generate_AttributedType_WritesNamesVersionsColumnsAndSchema()
    {
        var crd = CrdGenerator.Generate(typeof(Widget));

        var expected = JsonNode.Parse("""
            {
              "apiVersion": "apiextensions.k8s.io/v1",
              "kind": "CustomResourceDefinition",
              "metadata": {"name": "widgets.example.flotilla.dev"},
              "spec": {
                "group": "example.flotilla.dev",
                "names": {"categories": ["things"], "kind": "Widget", "listKind": "WidgetList", "plural": "widgets", "shortNames": ["wg"], "singular": "widget"},
                "scope": "Cluster",
                "versions": [
                  {
                    "additionalPrinterColumns": [
                      {"jsonPath": ".spec.size", "name": "Size", "type": "integer"},
                      {"jsonPath": ".spec.mode", "name": "Mode", "priority": 1, "type": "string"}
                    ],
                    "name": "v1beta1",
                    "schema": {"openAPIV3Schema": {
                      "description": "A widget.",
                      "properties": {
                        "apiVersion": {"description": "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources", "type": "string"},
                        "kind": {"description": "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds", "type": "string"},
                        "metadata": {"type": "object"},
                        "spec": {
                          "properties": {
                            "betaOnly": {"type": "string"},
                            "capacity": {"additionalProperties": {"anyOf": [{"type": "integer"}, {"type": "string"}], "pattern": "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$", "x-kubernetes-int-or-string": true}, "type": "object"},
                            "manifests": {"items": {"type": "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true}, "type": "array"},
                            "maxSurge": {"anyOf": [{"type": "integer"}, {"type": "string"}], "default": "25%", "x-kubernetes-int-or-string": true},
                            "mode": {"default": "Fast", "description": "How fast.", "enum": ["Fast", "Slow"], "type": "string"},
                            "names": {"items": {"type": "string"}, "maxItems": 3, "minItems": 1, "type": "array", "x-kubernetes-list-type": "set"},
                            "owner": {"properties": {"name": {"type": "string"}}, "required": ["name"], "type": "object", "x-kubernetes-map-type": "atomic"},
                            "renamed": {"type": "boolean"},
                            "seen": {"format": "date-time", "type": "string"},
                            "selector": {"description": "A label selector is a label query over a set of resources. The result of matchLabels and matchExpressions are ANDed. An empty label selector matches all objects. A null label selector matches no objects.", "properties": {"matchExpressions": {"description": "matchExpressions is a list of label selector requirements. The requirements are ANDed.", "items": {"description": "A label selector requirement is a selector that contains values, a key, and an operator that relates the key and values.", "properties": {"key": {"description": "key is the label key that the selector applies to.", "type": "string"}, "operator": {"description": "operator represents a key's relationship to a set of values. Valid operators are In, NotIn, Exists and DoesNotExist.", "type": "string"}, "values": {"description": "values is an array of string values. If the operator is In or NotIn, the values array must be non-empty. If the operator is Exists or DoesNotExist, the values array must be empty. This array is replaced during a strategic merge patch.", "items": {"type": "string"}, "type": "array", "x-kubernetes-list-type": "atomic"}}, "required": ["key", "operator"], "type": "object"}, "type": "array", "x-kubernetes-list-type": "atomic"}, "matchLabels": {"additionalProperties": {"type": "string"}, "description": "matchLabels is a map of {key,value} pairs. A single {key,value} in the matchLabels map is equivalent to an element of matchExpressions, whose key field is \"key\", the operator is \"In\", and the values array contains only \"value\". The requirements are ANDed.", "type": "object"}}, "type": "object", "x-kubernetes-map-type": "atomic"},
                            "size": {"format": "int32", "maximum": 10, "minimum": 1, "type": "integer"},
                            "tag": {"maxLength": 63, "minLength": 1, "pattern": "^[a-z]+$", "type": "string"}
                          },
                          "required": ["size"],
                          "type": "object",
                          "x-kubernetes-validations": [{"message": "size must be even", "rule": "self.size % 2 == 0"}]
                        }
                      },
                      "required": ["spec"],
                      "type": "object"
                    }},
                    "served": true,
                    "storage": true,
                    "subresources": {"status": {}}
                  },
                  {
                    "additionalPrinterColumns": [
                      {"jsonPath": ".spec.size", "name": "Size", "type": "integer"},
                      {"jsonPath": ".spec.mode", "name": "Mode", "priority": 1, "type": "string"}
                    ],
                    "name": "v1",
                    "served": true,
                    "storage": false,
                    "subresources": {"status": {}}
                  }
                ]
              }
            }
            """)!;
        // v1 differs only by the v1beta1-only field; compare its schema separately and the rest whole.
        var v1Schema = crd["spec"]!["versions"]![1]!.AsObject()["schema"]!.DeepClone();
        crd["spec"]!["versions"]![1]!.AsObject().Remove("schema");
        Assert.True(JsonNode.DeepEquals(expected, crd), crd.ToJsonString());
        var v1Spec = v1Schema["openAPIV3Schema"]!["properties"]!["spec"]!["properties"]!.AsObject();
        Assert.False(v1Spec.ContainsKey("betaOnly"));
        Assert.True(v1Spec.ContainsKey("size"));
    }

    [Fact]
    public void Generate_TypeWithoutCustomResourceAttribute_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => CrdGenerator.Generate(typeof(WidgetSpec)));
        Assert.Contains("has no [CustomResource] attribute", error.Message, StringComparison.Ordinal);
    }

    [Description("A widget.")]
    [CustomResource("example.flotilla.dev", "Widget", "widgets", Namespaced = false, ShortNames = ["wg"], Categories = ["things"],
        Versions = ["v1beta1", "v1"], StatusSubresource = true)]
    [PrinterColumn(1, "Mode", "string", ".spec.mode", Priority = 1)]
    [PrinterColumn(0, "Size", "integer", ".spec.size")]
    public sealed class Widget : KubeObject
    {
        [Required]
        public WidgetSpec Spec { get; set; } = new();
    }

    [ValidationRule("self.size % 2 == 0", "size must be even")]
    public sealed class WidgetSpec
    {
        [Required]
        [Minimum(1)]
        [Maximum(10)]
        public int Size { get; set; }

        [Default("\"Fast\"")]
        [Enum("Fast", "Slow")]
        [Description("How fast.")]
        public string? Mode { get; set; }

        [MinItems(1)]
        [MaxItems(3)]
        [ListType("set")]
        public List<string>? Names { get; set; }

        [MinLength(1)]
        [MaxLength(63)]
        [Pattern("^[a-z]+$")]
        public string? Tag { get; set; }

        [Atomic]
        public WidgetOwner? Owner { get; set; }

        [Quantity]
        public Dictionary<string, string>? Capacity { get; set; }

        [EmbeddedResource]
        public List<JsonObject>? Manifests { get; set; }

        [Default("\"25%\"")]
        public IntOrString? MaxSurge { get; set; }

        public StructuredLabelSelector? Selector { get; set; }

        public DateTimeOffset? Seen { get; set; }

        [JsonPropertyName("renamed")]
        public bool? SomethingElse { get; set; }

        [ServedIn("v1beta1")]
        public string? BetaOnly { get; set; }

        [JsonIgnore]
        public int Computed => Size * 2;
    }

    public sealed class WidgetOwner
    {
        [Required]
        public string Name { get; set; } = "";
    }
}
