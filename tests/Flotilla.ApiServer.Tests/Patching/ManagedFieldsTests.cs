using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.ApiServer.Patching;

namespace Flotilla.ApiServer.Tests.Patching;

public sealed class ManagedFieldsTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T1 = T0.AddMinutes(5);
    private static readonly IMergeSchema Deployments = BuiltinMergeSchema.For("apps", "Deployment");

    private const string Created = """
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"web","namespace":"demo","uid":"u1","resourceVersion":"1","generation":1,"creationTimestamp":"2025-01-01T12:00:00Z",
           "labels":{"app":"web"},"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"}},
         "spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.25"}]}}}}
        """;

    /// <summary>The entry client-side apply's create leaves: everything it sent, new objects included, server metadata excluded.</summary>
    private const string CreatedEntry = """
        {"manager":"kubectl-client-side-apply","operation":"Update","apiVersion":"apps/v1","time":"2025-01-01T12:00:00Z","fieldsType":"FieldsV1",
         "fieldsV1":{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}},"f:labels":{".":{},"f:app":{}}},
           "f:spec":{".":{},"f:replicas":{},"f:template":{".":{},"f:spec":{".":{},"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{}}}}}}}}
        """;

    private static JsonObject CreatedByClientSideApply() =>
        ManagedFields.RecordUpdate(null, JsonAssert.Object(Created), "kubectl-client-side-apply", "apps/v1", null, T0, Deployments);

    private static JsonArray? ManagedFieldsOf(JsonObject obj) => obj["metadata"]!["managedFields"] as JsonArray;

    private static JsonObject With(JsonObject obj, Action<JsonObject> change)
    {
        var copy = obj.DeepClone().AsObject();
        change(copy);
        return copy;
    }

    [Fact]
    public void RecordUpdate_Create_RecordsEveryFieldSentExceptServerMetadata()
    {
        var input = JsonAssert.Object(Created);

        var result = ManagedFields.RecordUpdate(null, input, "kubectl-client-side-apply", "apps/v1", null, T0, Deployments);

        Assert.Same(input, result);
        JsonAssert.SameText($"[{CreatedEntry}]", ManagedFieldsOf(result));
        result["metadata"]!.AsObject().Remove("managedFields");
        JsonAssert.Equal(Created, result);
    }

    [Fact]
    public void RecordUpdate_OtherManagerChangesField_MovesOwnership()
    {
        var live = CreatedByClientSideApply();
        var liveBefore = live.DeepClone();

        var result = ManagedFields.RecordUpdate(live, With(live, o => o["spec"]!["replicas"] = 5), "kubectl-scale", "apps/v1", null, T1, Deployments);

        JsonAssert.Equal(liveBefore, live);

        var entries = ManagedFieldsOf(result)!;
        Assert.Equal(2, entries.Count);
        var csa = FieldSet.FromFieldsV1(entries[0]!["fieldsV1"]!.AsObject());
        Assert.False(csa.Contains(["f:spec", "f:replicas"]));
        Assert.True(csa.Contains(["f:spec", "f:template"]));
        Assert.Equal("2025-01-01T12:00:00Z", (string)entries[0]!["time"]!);
        JsonAssert.Equal("""
            {"manager":"kubectl-scale","operation":"Update","apiVersion":"apps/v1","time":"2025-01-01T12:05:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}}}
            """, entries[1]);
    }

    [Fact]
    public void RecordUpdate_SameManagerChangesMore_ExtendsItsEntry()
    {
        var live = ManagedFields.RecordUpdate(CreatedByClientSideApply(),
            With(CreatedByClientSideApply(), o => o["spec"]!["replicas"] = 5), "kubectl-scale", "apps/v1", null, T0, Deployments);

        var result = ManagedFields.RecordUpdate(live, With(live, o => o["spec"]!["paused"] = true), "kubectl-scale", "apps/v1", null, T1, Deployments);

        JsonAssert.Equal("""
            {"manager":"kubectl-scale","operation":"Update","apiVersion":"apps/v1","time":"2025-01-01T12:05:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:paused":{},"f:replicas":{}}}}
            """, ManagedFieldsOf(result)![1]);
    }

    [Fact]
    public void RecordUpdate_LabelRemovedByMergePatch_DropsEmptiedEntry()
    {
        var live = CreatedByClientSideApply();
        live = ManagedFields.RecordUpdate(live, With(live, o => o["metadata"]!["labels"]!["team"] = "a"), "kubectl-label", "v1", null, T0, Deployments);
        Assert.Equal(2, ManagedFieldsOf(live)!.Count);

        var patched = JsonMergePatch.Apply(live, JsonAssert.Node("""{"metadata":{"labels":{"team":null}}}"""));
        var result = ManagedFields.RecordUpdate(live, patched, "kubectl-label", "v1", null, T1, Deployments);

        JsonAssert.SameText($"[{CreatedEntry}]", ManagedFieldsOf(result));
    }

    [Fact]
    public void RecordUpdate_StatusSubresource_KeepsSeparateEntry()
    {
        var live = CreatedByClientSideApply();
        live = ManagedFields.RecordUpdate(live, With(live, o => o["spec"]!["paused"] = true), "controller", "apps/v1", null, T0, Deployments);

        var result = ManagedFields.RecordUpdate(live, With(live, o => o["status"] = new JsonObject { ["replicas"] = 2 }), "controller", "apps/v1", "status", T1, Deployments);

        Assert.Equal(
            ["controller//2025-01-01T12:00:00Z", "kubectl-client-side-apply//2025-01-01T12:00:00Z", "controller/status/2025-01-01T12:05:00Z"],
            ManagedFieldsOf(result)!.Select(e => $"{e!["manager"]}/{e["subresource"]}/{e["time"]}"));
        JsonAssert.Equal("""{"f:status":{".":{},"f:replicas":{}}}""", ManagedFieldsOf(result)![2]!["fieldsV1"]);
    }

    [Fact]
    public void RecordUpdate_NothingChanged_LeavesManagedFieldsAsTheyWere()
    {
        var live = CreatedByClientSideApply();

        var result = ManagedFields.RecordUpdate(live, With(live, o => o["metadata"]!["resourceVersion"] = "9"), "kubectl-edit", "apps/v1", null, T1, Deployments);

        JsonAssert.SameText($"[{CreatedEntry}]", ManagedFieldsOf(result));
    }

    /// <summary>kubectl's migration (spec §9.5): the JSON patch replaces managedFields; the server stores them as given.</summary>
    [Fact]
    public void RecordUpdate_ClientSuppliedManagedFields_StoresThemAsGiven()
    {
        var live = CreatedByClientSideApply();
        var migrated = JsonPatch.Apply(live, JsonAssert.Node("""
            [{"op":"replace","path":"/metadata/managedFields","value":[
               {"manager":"kubectl","operation":"Apply","apiVersion":"apps/v1","time":"2025-01-01T12:00:00Z","fieldsType":"FieldsV1",
                "fieldsV1":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{}}}}]},
             {"op":"replace","path":"/metadata/resourceVersion","value":"1"}]
            """));

        var asSent = migrated.DeepClone();

        var result = ManagedFields.RecordUpdate(live, migrated, "kubectl", "apps/v1", null, T1, Deployments);

        JsonAssert.Equal(asSent, result);
        Assert.Equal("kubectl", (string)ManagedFieldsOf(result)![0]!["manager"]!);
    }

    [Fact]
    public void RecordUpdate_ClientClearsWithSingleEmptyEntry_RemovesManagedFields()
    {
        var live = CreatedByClientSideApply();

        var result = ManagedFields.RecordUpdate(live, With(live, o => o["metadata"]!["managedFields"] = JsonAssert.Node("[{}]")), "kubectl", "apps/v1", null, T1, Deployments);

        Assert.Null(ManagedFieldsOf(result));
        Assert.False(result["metadata"]!.AsObject().ContainsKey("managedFields"));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("null")]
    public void RecordUpdate_ClientSendsNoManagedFields_KeepsStoredOnes(string managedFields)
    {
        var live = CreatedByClientSideApply();

        var result = ManagedFields.RecordUpdate(live, With(live, o => o["metadata"]!["managedFields"] = JsonAssert.Node(managedFields)), "kubectl", "apps/v1", null, T1, Deployments);

        JsonAssert.SameText($"[{CreatedEntry}]", ManagedFieldsOf(result));
    }

    [Fact]
    public void RecordUpdate_MalformedClientManagedFields_Throws422WithCauses()
    {
        var live = CreatedByClientSideApply();
        var bad = With(live, o => o["metadata"]!["managedFields"] = JsonAssert.Node("""
            [{"manager":"a","operation":"Patch","fieldsType":"FieldsV1","fieldsV1":{}},
             {"manager":"b","operation":"Update","fieldsType":"FieldsV2"},
             {"manager":"c","operation":"Update","fieldsType":"FieldsV1","fieldsV1":{"x:y":{}}},
             "nope"]
            """));

        var error = Assert.Throws<ApiException>(() => ManagedFields.RecordUpdate(live, bad, "kubectl", "apps/v1", null, T1, Deployments));

        Assert.Equal((422, "Invalid"), (error.Code, error.Reason));
        Assert.Equal(
            [
                ("FieldValueNotSupported", "metadata.managedFields[0].operation", "Unsupported value: \"Patch\": supported values: \"Apply\", \"Update\""),
                ("FieldValueNotSupported", "metadata.managedFields[1].fieldsType", "Unsupported value: \"FieldsV2\": supported values: \"FieldsV1\""),
                ("FieldValueInvalid", "metadata.managedFields[2].fieldsV1", "Invalid value: invalid field path element \"x:y\": expected a f:, k:, v: or i: prefix"),
                ("FieldValueTypeInvalid", "metadata.managedFields[3]", "Invalid value: must be an object"),
            ],
            error.Details!.Causes!.Select(c => (c.Reason, c.Field!, c.Message)));
        Assert.StartsWith("Deployment.apps \"web\" is invalid: [metadata.managedFields[0].operation: Unsupported value", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2025-01-01T12:00:00Z", "2025-01-01T12:00:00Z")]
    [InlineData("2025-01-01T13:00:00.789+01:00", "2025-01-01T12:00:00Z")]
    [InlineData("2024-12-31T23:59:59.999-00:30", "2025-01-01T00:29:59Z")]
    public void FormatTime_AnyOffset_IsUtcSecondsPrecision(string time, string expected)
    {
        Assert.Equal(expected, ManagedFields.FormatTime(DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture)));
    }
}
