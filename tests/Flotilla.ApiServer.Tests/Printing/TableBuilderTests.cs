using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.ApiServer.Printing;
using Flotilla.ApiServer.Registry;

namespace Flotilla.ApiServer.Tests.Printing;

public sealed class TableBuilderTests
{
    internal static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly ResourceDefinition Placements = new()
    {
        Group = "placement.kubernetes-fleet.io",
        Version = "v1beta1",
        Kind = "ClusterResourcePlacement",
        Plural = "clusterresourceplacements",
        Singular = "clusterresourceplacement",
        Namespaced = false,
        IsCustom = true,
        PrinterColumns =
        [
            new PrinterColumn("Gen", "string", ".metadata.generation"),
            new PrinterColumn("Type", "string", ".spec.policy.placementType", Priority: 1, Description: "How clusters are picked."),
            new PrinterColumn("Scheduled", "string", """.status.conditions[?(@.type=="Scheduled")].status"""),
            new PrinterColumn("Clusters", "integer", ".spec.policy.numberOfClusters"),
            new PrinterColumn("Age", "date", ".metadata.creationTimestamp"),
        ],
    };

    private const string Placement = """
        {
          "apiVersion": "placement.kubernetes-fleet.io/v1beta1",
          "kind": "ClusterResourcePlacement",
          "metadata": {
            "name": "crp-1",
            "uid": "0b6c",
            "resourceVersion": "105",
            "generation": 1,
            "creationTimestamp": "2025-01-01T11:54:48Z",
            "labels": {"app": "demo"},
            "managedFields": [{"manager": "kubectl", "operation": "Apply"}]
          },
          "spec": {"policy": {"placementType": "PickN", "numberOfClusters": 2}},
          "status": {"conditions": [{"type": "Scheduled", "status": "True"}]}
        }
        """;

    internal static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    internal static ResourceDefinition BuiltIn(string group, string kind, string plural) => new()
    {
        Group = group,
        Version = "v1",
        Kind = kind,
        Plural = plural,
        Singular = kind.ToLowerInvariant(),
        Namespaced = true,
    };

    [Fact]
    public void Build_CustomResourceWithPrinterColumns_WholeTable()
    {
        var table = TableBuilder.Build(Placements, [Parse(Placement)], Now, IncludeObject.Metadata, resourceVersion: "105");

        JsonAssert.Equal($$"""
            {
              "kind": "Table",
              "apiVersion": "meta.k8s.io/v1",
              "metadata": {"resourceVersion": "105"},
              "columnDefinitions": [
                {"name": "Name", "type": "string", "format": "name", "description": "{{StandardColumns.NameDescription}}", "priority": 0},
                {"name": "Gen", "type": "string", "format": "", "description": "", "priority": 0},
                {"name": "Type", "type": "string", "format": "", "description": "How clusters are picked.", "priority": 1},
                {"name": "Scheduled", "type": "string", "format": "", "description": "", "priority": 0},
                {"name": "Clusters", "type": "integer", "format": "", "description": "", "priority": 0},
                {"name": "Age", "type": "date", "format": "", "description": "", "priority": 0}
              ],
              "rows": [
                {
                  "cells": ["crp-1", "1", "PickN", "True", 2, "5m12s"],
                  "object": {
                    "kind": "PartialObjectMetadata",
                    "apiVersion": "meta.k8s.io/v1",
                    "metadata": {
                      "name": "crp-1",
                      "uid": "0b6c",
                      "resourceVersion": "105",
                      "generation": 1,
                      "creationTimestamp": "2025-01-01T11:54:48Z",
                      "labels": {"app": "demo"}
                    }
                  }
                }
              ]
            }
            """, table);
    }

    [Fact]
    public void Build_CustomResourceWithoutPrinterColumns_NameAndDateAge()
    {
        var widgets = Placements with { PrinterColumns = [] };

        var table = TableBuilder.Build(widgets, [Parse(Placement)], Now, IncludeObject.None);

        JsonAssert.Equal($$"""
            {
              "kind": "Table",
              "apiVersion": "meta.k8s.io/v1",
              "metadata": {},
              "columnDefinitions": [
                {"name": "Name", "type": "string", "format": "name", "description": "{{StandardColumns.NameDescription}}", "priority": 0},
                {"name": "Age", "type": "date", "format": "", "description": {{JsonValue.Create(StandardColumns.CreationTimestampDescription)!.ToJsonString()}}, "priority": 0}
              ],
              "rows": [{"cells": ["crp-1", "5m12s"]}]
            }
            """, table);
    }

    [Fact]
    public void Build_IncludeObjectObject_RowCarriesFullObjectUnchanged()
    {
        var placement = Parse(Placement);

        var table = TableBuilder.Build(Placements, [placement], Now, IncludeObject.Object);

        JsonAssert.Equal(Placement, table["rows"]![0]!["object"]);
        Assert.NotNull(placement["metadata"]!["managedFields"]);
    }

    [Fact]
    public void Build_WithoutColumnDefinitions_OmitsThem()
    {
        var table = TableBuilder.Build(Placements, [Parse(Placement)], Now, IncludeObject.None, includeColumnDefinitions: false);

        Assert.False(table.ContainsKey("columnDefinitions"));
        Assert.Single(table["rows"]!.AsArray());
    }

    [Fact]
    public void Build_Paginated_MetadataCarriesContinueAndRemainingCount()
    {
        var table = TableBuilder.Build(Placements, [], Now, IncludeObject.None, resourceVersion: "7", continueToken: "abc", remainingItemCount: 3);

        JsonAssert.Equal("""{"resourceVersion":"7","continue":"abc","remainingItemCount":3}""", table["metadata"]);
        JsonAssert.Equal("[]", table["rows"]);
    }

    [Fact]
    public void Build_ObjectWithoutMetadata_PartialObjectMetadataIsEmpty()
    {
        var table = TableBuilder.Build(Placements, [[]], Now);

        JsonAssert.Equal("""{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{}}""", table["rows"]![0]!["object"]);
        JsonAssert.Equal("""["", null, null, null, null, null]""", table["rows"]![0]!["cells"]);
    }

    // Upstream's cellForJSONValue: typed columns keep JSON types, string columns stringify, the wrong type is null.
    [Theory]
    [InlineData("string", "\"text\"", "\"text\"")]
    [InlineData("string", "5", "\"5\"")]
    [InlineData("string", "2.5", "\"2.5\"")]
    [InlineData("string", "true", "\"true\"")]
    [InlineData("string", """{"b":1,"a":[1,"x"]}""", """ "{\"a\":[1,\"x\"],\"b\":1}" """)]
    [InlineData("string", "null", "null")]
    [InlineData("integer", "7", "7")]
    [InlineData("integer", "2.7", "2")]
    [InlineData("integer", "\"7\"", "null")]
    [InlineData("number", "3", "3")]
    [InlineData("number", "0.25", "0.25")]
    [InlineData("number", "\"x\"", "null")]
    [InlineData("boolean", "false", "false")]
    [InlineData("boolean", "\"true\"", "null")]
    [InlineData("date", "\"2025-01-01T09:00:00Z\"", "\"3h\"")]
    [InlineData("date", "\"yesterday\"", "\"<invalid>\"")]
    [InlineData("date", "5", "null")]
    [InlineData("mystery", "5", "null")]
    public void Build_PrinterColumnType_TypesCell(string type, string valueJson, string expectedCellJson)
    {
        var resource = Placements with { PrinterColumns = [new PrinterColumn("Value", type, ".spec.value")] };
        var obj = Parse($$$"""{"metadata":{"name":"x"},"spec":{"value":{{{valueJson}}}}}""");

        var table = TableBuilder.Build(resource, [obj], Now, IncludeObject.None);

        JsonAssert.Equal(expectedCellJson, table["rows"]![0]!["cells"]![1]);
    }

    [Theory]
    [InlineData(".spec.missing")]
    [InlineData(".spec[")]
    [InlineData(".spec.value[?(@.x==")]
    public void Build_MissingValueOrInvalidPath_NullCell(string jsonPath)
    {
        var resource = Placements with { PrinterColumns = [new PrinterColumn("Value", "string", jsonPath)] };

        var table = TableBuilder.Build(resource, [Parse("""{"metadata":{"name":"x"},"spec":{"value":"v"}}""")], Now, IncludeObject.None);

        JsonAssert.Equal("""["x", null]""", table["rows"]![0]!["cells"]);
    }

    [Fact]
    public void Build_KindWithoutPrinter_NameAndDateAge()
    {
        var table = TableBuilder.Build(BuiltIn("example.io", "Gadget", "gadgets"), [Parse("""{"metadata":{"name":"g","creationTimestamp":"2025-01-01T11:59:15Z"}}""")], Now, IncludeObject.None);

        Assert.Equal(new[] { "Name", "Age" }, ColumnNames(table));
        Assert.Equal("date", (string?)table["columnDefinitions"]![1]!["type"]);
        JsonAssert.Equal("""["g", "45s"]""", table["rows"]![0]!["cells"]);
    }

    [Theory]
    [InlineData(null, "Metadata")]
    [InlineData("", "Metadata")]
    [InlineData("Metadata", "Metadata")]
    [InlineData("Object", "Object")]
    [InlineData("None", "None")]
    public void ParseIncludeObject_KnownValue_Parsed(string? value, string expected)
    {
        Assert.Equal(expected, TableBuilder.ParseIncludeObject(value).ToString());
    }

    [Fact]
    public void ParseIncludeObject_UnknownValue_BadRequest()
    {
        var error = Assert.Throws<ApiException>(() => TableBuilder.ParseIncludeObject("object"));

        Assert.Equal(400, error.Code);
        Assert.Contains("must be 'Metadata', 'Object', 'None', or empty", error.Message, StringComparison.Ordinal);
    }

    internal static string[] ColumnNames(JsonObject table) =>
        [.. table["columnDefinitions"]!.AsArray().Select(c => (string)c!["name"]!)];
}
