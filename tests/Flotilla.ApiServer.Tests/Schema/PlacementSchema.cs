using System.Text.Json.Nodes;

namespace Flotilla.ApiServer.Tests.Schema;

/// <summary>
/// A trimmed ClusterResourcePlacement v1beta1 schema in the shape kubefleet publishes: enums with defaults, an
/// int-or-string with a pattern, a defaulted revisionHistoryLimit, a set, a list-map of conditions, a
/// preserve-unknown-fields subtree and an embedded resource.
/// </summary>
internal static class PlacementSchema
{
    public const string Json = """
    {
      "type": "object",
      "required": ["spec"],
      "properties": {
        "apiVersion": { "type": "string" },
        "kind": { "type": "string" },
        "metadata": { "type": "object" },
        "spec": {
          "type": "object",
          "required": ["resourceSelectors"],
          "properties": {
            "resourceSelectors": {
              "type": "array",
              "minItems": 1,
              "maxItems": 3,
              "items": {
                "type": "object",
                "required": ["group", "version", "kind"],
                "properties": {
                  "group": { "type": "string" },
                  "version": { "type": "string" },
                  "kind": { "type": "string" },
                  "name": { "type": "string", "maxLength": 63 }
                }
              }
            },
            "policy": {
              "type": "object",
              "properties": {
                "placementType": { "type": "string", "enum": ["PickAll", "PickN", "PickFixed"], "default": "PickAll" },
                "numberOfClusters": { "type": "integer", "format": "int32", "minimum": 0 },
                "clusterNames": { "type": "array", "items": { "type": "string" }, "x-kubernetes-list-type": "set" },
                "affinity": { "type": "object", "x-kubernetes-preserve-unknown-fields": true },
                "tolerations": {
                  "type": "array",
                  "items": {
                    "type": "object",
                    "properties": {
                      "key": { "type": "string", "minLength": 1, "maxLength": 63 },
                      "operator": { "type": "string", "enum": ["Exists", "Equal"], "default": "Equal" },
                      "value": { "type": "string", "pattern": "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$" }
                    }
                  }
                }
              }
            },
            "strategy": {
              "type": "object",
              "default": {},
              "properties": {
                "type": { "type": "string", "enum": ["RollingUpdate", "External"], "default": "RollingUpdate" },
                "rollingUpdate": {
                  "type": "object",
                  "properties": {
                    "maxUnavailable": { "x-kubernetes-int-or-string": true, "anyOf": [{ "type": "integer" }, { "type": "string" }], "pattern": "^((100|[0-9]{1,2})%|[0-9]+)$", "default": "25%" },
                    "unavailablePeriodSeconds": { "type": "integer", "default": 60 }
                  }
                }
              }
            },
            "revisionHistoryLimit": { "type": "integer", "format": "int32", "minimum": 1, "maximum": 1000, "default": 10 },
            "labels": { "type": "object", "additionalProperties": { "type": "string", "maxLength": 5 } },
            "template": { "type": "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true },
            "note": { "type": "string", "nullable": true }
          }
        },
        "status": {
          "type": "object",
          "properties": {
            "observedResourceIndex": { "type": "string" },
            "conditions": {
              "type": "array",
              "x-kubernetes-list-type": "map",
              "x-kubernetes-list-map-keys": ["type"],
              "items": {
                "type": "object",
                "required": ["type", "status", "lastTransitionTime"],
                "properties": {
                  "type": { "type": "string" },
                  "status": { "type": "string", "enum": ["True", "False", "Unknown"] },
                  "lastTransitionTime": { "type": "string", "format": "date-time" },
                  "observedGeneration": { "type": "integer", "format": "int64", "minimum": 0 }
                }
              }
            }
          }
        }
      }
    }
    """;

    /// <summary>A fresh copy of the schema (tests that mutate objects must not share a schema instance's defaults).</summary>
    public static JsonObject New() => JsonNode.Parse(Json)!.AsObject();

    /// <summary>One shared compiled schema, as the server would hold per CRD version.</summary>
    public static readonly Flotilla.ApiServer.Schema.StructuralSchema Compiled = Flotilla.ApiServer.Schema.StructuralSchema.For(New());

    /// <summary>A valid placement, already defaulted.</summary>
    public const string ValidPlacement = """
    {
      "apiVersion": "placement.kubernetes-fleet.io/v1beta1",
      "kind": "ClusterResourcePlacement",
      "metadata": { "name": "crp-1" },
      "spec": {
        "resourceSelectors": [{ "group": "", "version": "v1", "kind": "Namespace", "name": "app" }],
        "policy": { "placementType": "PickN", "numberOfClusters": 2, "clusterNames": ["member-1", "member-2"],
                    "tolerations": [{ "key": "env", "operator": "Equal", "value": "prod" }] },
        "strategy": { "type": "RollingUpdate", "rollingUpdate": { "maxUnavailable": 1, "unavailablePeriodSeconds": 60 } },
        "revisionHistoryLimit": 10
      },
      "status": {
        "conditions": [
          { "type": "ClusterResourcePlacementScheduled", "status": "True", "lastTransitionTime": "2025-01-01T12:00:00Z", "observedGeneration": 1 }
        ]
      }
    }
    """;
}
