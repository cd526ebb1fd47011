using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Flotilla.Hub.Placement.Resources;

namespace Flotilla.Hub.Tests.Placement.Resources;

/// <summary>Resource snapshot groups: hash, splitting, names, labels and annotations (placement spec §2.2).</summary>
public sealed class ResourceSnapshotPlanTests
{
    private const string Namespace = """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"app"}}""";
    private const string ConfigMap = """{"apiVersion":"v1","data":{"k":"v"},"kind":"ConfigMap","metadata":{"name":"cm","namespace":"app"}}""";

    // An item whose compact JSON is exactly `bytes` long: the template's length without the placeholders, plus name and padding.
    private const string Template = """{"apiVersion":"v1","data":{"k":"PAD"},"kind":"ConfigMap","metadata":{"name":"NAME"}}""";

    private static JsonObject J(string json) => (JsonObject)JsonNode.Parse(json)!;

    private static JsonObject Sized(string name, int bytes)
    {
        var padding = bytes - (Template.Length - "PAD".Length - "NAME".Length + name.Length);
        var json = Template.Replace("NAME", name, StringComparison.Ordinal).Replace("PAD", new string('x', padding), StringComparison.Ordinal);
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(json));
        return J(json);
    }

    private static string Names(IEnumerable<JsonObject> items) => string.Join(",", items.Select(i => i["metadata"]!["name"]!.GetValue<string>()));

    [Theory]
    [InlineData(new string[0], "83ff749c5d8eb5a0b62d714175bcbaef1409b371fc5a229a002db6fcc1f144e1")]
    [InlineData(new[] { Namespace, ConfigMap }, "382c6b448de6b970f8c0f88bcc7234ad8469774b2211c14fc254e3136f3d08dd")]
    [InlineData(new[] { ConfigMap, Namespace }, "51789e5e4d4d3138f226519a132bdae16cc5f0de264ee8adda644cb0015e7219")]
    public void Hash_Selection_Sha256OfSelectedResourcesDocument(string[] items, string expected)
    {
        // Expected values: `printf '%s' '{"selectedResources":[...]}' | sha256sum` over the items joined by commas;
        // the last two rows are the same items in the other order, so order matters.
        Assert.Equal(expected, ResourceSnapshotPlan.Hash([.. items.Select(J)]));
    }

    [Fact]
    public void Hash_SameContentDifferentPropertyOrder_SameHash()
    {
        var reordered = J("""{"metadata":{"namespace":"app","name":"cm"},"kind":"ConfigMap","data":{"k":"v"},"apiVersion":"v1"}""");

        Assert.Equal("382c6b448de6b970f8c0f88bcc7234ad8469774b2211c14fc254e3136f3d08dd", ResourceSnapshotPlan.Hash([J(Namespace), reordered]));
        Assert.Equal(ResourceSnapshotPlan.Hash([J(Namespace), J(ConfigMap)]), ResourceSnapshotPlan.Hash([J(Namespace), J(ConfigMap)]));
    }

    [Fact]
    public void Hash_DifferentContent_DifferentHash()
    {
        var changed = J(ConfigMap.Replace("\"v\"", "\"w\"", StringComparison.Ordinal));

        Assert.NotEqual(ResourceSnapshotPlan.Hash([J(Namespace), J(ConfigMap)]), ResourceSnapshotPlan.Hash([J(Namespace), changed]));
    }

    public static TheoryData<string, int[], string> SplitCases => new()
    {
        { "empty selection: one empty chunk", [], "[]" },
        { "two halves exactly fill the limit", [409600, 409600], "[0,1]" },
        { "one byte over the limit starts a new chunk", [409600, 409601], "[0][1]" },
        { "one item exactly at the limit", [819200], "[0]" },
        { "an oversized item sits alone, whatever surrounds it", [10, 819201, 10], "[0][1][2]" },
        { "an oversized first item is alone", [819201, 10, 10], "[0][1,2]" },
        { "chunks fill greedily in order", [500000, 300000, 19200, 1, 819200, 0], "[0,1,2][3][4,5]" },
    };

    [Theory]
    [MemberData(nameof(SplitCases))]
    public void Split_Sizes_ChunksAtLimit(string why, int[] sizes, string expected)
    {
        var chunks = ResourceSnapshotPlan.Split(sizes);

        Assert.True(expected == string.Concat(chunks.Select(c => "[" + string.Join(",", c) + "]")), why);
    }

    [Fact]
    public void Plan_SmallSelectionForCrp_OneMasterWithLabelsAndAnnotations()
    {
        var plan = ResourceSnapshotPlan.Plan("crp", null, 3, [J(Namespace), J(ConfigMap)], envelopedObjects: 2);

        var master = Assert.Single(plan);
        Assert.Equal(("crp-3-snapshot", (string?)null), (master.Name, master.Namespace));
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["kubernetes-fleet.io/parent-CRP"] = "crp",
                ["kubernetes-fleet.io/resource-index"] = "3",
                ["kubernetes-fleet.io/is-latest-snapshot"] = "true",
            },
            master.Labels);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["kubernetes-fleet.io/resource-hash"] = "382c6b448de6b970f8c0f88bcc7234ad8469774b2211c14fc254e3136f3d08dd",
                ["kubernetes-fleet.io/number-of-resource-snapshots"] = "1",
                ["kubernetes-fleet.io/number-of-enveloped-object"] = "2",
            },
            master.Annotations);
        Assert.Equal("app,cm", Names(master.SelectedResources));
    }

    [Fact]
    public void Plan_EmptySelection_OneEmptyMaster()
    {
        var plan = ResourceSnapshotPlan.Plan("crp", null, 0, []);

        var master = Assert.Single(plan);
        Assert.Equal("crp-0-snapshot", master.Name);
        Assert.Empty(master.SelectedResources);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["kubernetes-fleet.io/resource-hash"] = "83ff749c5d8eb5a0b62d714175bcbaef1409b371fc5a229a002db6fcc1f144e1",
                ["kubernetes-fleet.io/number-of-resource-snapshots"] = "1",
                ["kubernetes-fleet.io/number-of-enveloped-object"] = "0",
            },
            master.Annotations);
    }

    [Theory]
    [InlineData(409600, "a,b", "")]
    [InlineData(409601, "a", "b")]
    public void Plan_RealItemsAtTheBoundary_SplitByRawJsonLength(int secondBytes, string master, string sub0)
    {
        var plan = ResourceSnapshotPlan.Plan("p", null, 0, [Sized("a", 409600), Sized("b", secondBytes)]);

        Assert.Equal(master, Names(plan[0].SelectedResources));
        Assert.Equal(sub0, plan.Count > 1 ? Names(plan[1].SelectedResources) : "");
        Assert.Equal(sub0.Length == 0 ? 1 : 2, plan.Count);
    }

    [Fact]
    public void Plan_SplitSelectionForRp_MasterThenSubIndexSnapshotsAndWholeListHash()
    {
        JsonObject[] items = [Sized("a", 100), Sized("big", 900000), Sized("c", 819200), Sized("d", 100)];
        var whole = "{\"selectedResources\":[" + string.Join(",", items.Select(i => i.ToJsonString())) + "]}";
        var expectedHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(whole)));

        var plan = ResourceSnapshotPlan.Plan("rp", "team", 7, items);

        Assert.Equal(
            ["rp-7-snapshot a", "rp-7-0 big", "rp-7-1 c", "rp-7-2 d"],
            plan.Select(s => s.Name + " " + Names(s.SelectedResources)));
        Assert.All(plan, s => Assert.Equal("team", s.Namespace));
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["kubernetes-fleet.io/parent-CRP"] = "rp",
                ["kubernetes-fleet.io/resource-index"] = "7",
                ["kubernetes-fleet.io/is-latest-snapshot"] = "true",
            },
            plan[0].Labels);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["kubernetes-fleet.io/resource-hash"] = expectedHash,
                ["kubernetes-fleet.io/number-of-resource-snapshots"] = "4",
                ["kubernetes-fleet.io/number-of-enveloped-object"] = "0",
            },
            plan[0].Annotations);
        for (var i = 1; i < plan.Count; i++)
        {
            Assert.Equal(
                new Dictionary<string, string> { ["kubernetes-fleet.io/parent-CRP"] = "rp", ["kubernetes-fleet.io/resource-index"] = "7" },
                plan[i].Labels);
            Assert.Equal(
                new Dictionary<string, string> { ["kubernetes-fleet.io/subindex-of-resource-snapshot"] = (i - 1).ToString(CultureInfo.InvariantCulture) },
                plan[i].Annotations);
        }
    }
}
