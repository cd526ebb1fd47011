using Flotilla.ApiServer.Patching;
using Flotilla.ApiServer.Registry;

namespace Flotilla.ApiServer.Tests.Patching;

public sealed class MergeSchemaTests
{
    /// <summary>group, kind, dotted path, expected semantics ("atomic", "set" or "map:key1,key2").</summary>
    public static TheoryData<string, string, string, string> BuiltinPaths => new()
    {
        { "", "Pod", "spec.containers", "map:name" },
        { "", "Pod", "spec.initContainers.env", "map:name" },
        { "", "Pod", "spec.ephemeralContainers.volumeMounts", "map:mountPath" },
        { "", "Pod", "spec.containers.ports", "map:containerPort" },
        { "", "Pod", "spec.containers.volumeDevices", "map:devicePath" },
        { "", "Pod", "spec.volumes", "map:name" },
        { "", "Pod", "spec.imagePullSecrets", "map:name" },
        { "", "Pod", "spec.hostAliases", "map:ip" },
        { "", "Pod", "spec.topologySpreadConstraints", "map:topologyKey" },
        { "", "Pod", "spec.resourceClaims", "map:name" },
        { "", "Pod", "spec.schedulingGates", "map:name" },
        { "", "Pod", "spec.tolerations", "atomic" },
        { "", "Pod", "spec.containers.envFrom", "atomic" },
        { "", "Pod", "spec.containers.args", "atomic" },
        { "", "Pod", "status.conditions", "map:type" },
        { "apps", "Deployment", "spec.template.spec.containers", "map:name" },
        { "apps", "Deployment", "spec.template.spec.containers.env", "map:name" },
        { "apps", "Deployment", "spec.template.metadata.ownerReferences", "map:uid" },
        { "apps", "Deployment", "spec.containers", "atomic" },
        { "apps", "ReplicaSet", "spec.template.spec.volumes", "map:name" },
        { "apps", "StatefulSet", "spec.template.spec.containers.ports", "map:containerPort" },
        { "apps", "StatefulSet", "spec.volumeClaimTemplates", "atomic" },
        { "apps", "DaemonSet", "spec.template.spec.initContainers", "map:name" },
        { "batch", "Job", "spec.template.spec.containers", "map:name" },
        { "batch", "CronJob", "spec.jobTemplate.spec.template.spec.containers.env", "map:name" },
        { "batch", "CronJob", "spec.template.spec.containers", "atomic" },
        { "", "Service", "spec.ports", "map:port" },
        { "", "Service", "spec.externalIPs", "atomic" },
        { "", "Node", "status.conditions", "map:type" },
        { "", "ConfigMap", "metadata.finalizers", "set" },
        { "", "ConfigMap", "metadata.ownerReferences", "map:uid" },
        { "", "Secret", "metadata.managedFields", "atomic" },
        { "rbac.authorization.k8s.io", "Role", "rules", "atomic" },
        { "core", "Pod", "spec.containers", "atomic" },
    };

    [Theory]
    [MemberData(nameof(BuiltinPaths))]
    public void BuiltinListAt_KnownPath_ReturnsUpstreamStrategy(string group, string kind, string path, string expected)
    {
        var semantics = BuiltinMergeSchema.For(group, kind).ListAt(path.Split('.'));

        Assert.Equal(expected, Describe(semantics));
    }

    [Theory]
    [InlineData("apps", "Deployment", "spec.strategy", true)]
    [InlineData("apps", "Deployment", "spec.template.spec.volumes", true)]
    [InlineData("", "Pod", "spec.volumes", true)]
    [InlineData("apps", "StatefulSet", "spec.strategy", false)]
    [InlineData("", "Pod", "spec", false)]
    public void BuiltinRetainsKeys_Path_MatchesUpstream(string group, string kind, string path, bool expected)
    {
        Assert.Equal(expected, BuiltinMergeSchema.For(group, kind).RetainsKeys(path.Split('.')));
    }

    private const string CrdSchema = """
        {"type":"object","properties":{
          "spec":{"type":"object","properties":{
            "ports":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["port","protocol"],
              "items":{"type":"object","properties":{"port":{"type":"integer"},"protocol":{"type":"string"},
                "tags":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}}}}},
            "hosts":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}},
            "args":{"type":"array","items":{"type":"string"}},
            "steps":{"type":"array","x-kubernetes-list-type":"atomic","items":{"type":"object"}},
            "keyless":{"type":"array","x-kubernetes-list-type":"map","items":{"type":"object"}},
            "clusters":{"type":"object","additionalProperties":{"type":"object","properties":{
              "zones":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}}}}},
            "policy":{"type":"object","x-kubernetes-map-type":"atomic","properties":{
              "affinity":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],"items":{"type":"object"}}}},
            "matrix":{"type":"array","items":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}}}}},
          "status":{"type":"object","properties":{
            "conditions":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["type"],"items":{"type":"object"}}}}}}
        """;

    public static TheoryData<string, string> SchemaPaths => new()
    {
        { "spec.ports", "map:port,protocol" },
        { "spec.ports.tags", "set" },
        { "spec.hosts", "set" },
        { "spec.args", "atomic" },
        { "spec.steps", "atomic" },
        { "spec.keyless", "atomic" },
        { "spec.clusters.east.zones", "set" },
        { "spec.policy.affinity", "map:name" },
        { "spec.matrix", "atomic" },
        { "spec.unknown", "atomic" },
        { "spec", "atomic" },
        { "status.conditions", "map:type" },
        { "metadata.finalizers", "set" },
        { "metadata.ownerReferences", "map:uid" },
    };

    [Theory]
    [MemberData(nameof(SchemaPaths))]
    public void SchemaListAt_CrdSchemaPath_ReadsListTypeExtensions(string path, string expected)
    {
        var schema = new SchemaMergeSchema(JsonAssert.Object(CrdSchema));

        Assert.Equal(expected, Describe(schema.ListAt(path.Split('.'))));
        Assert.False(schema.RetainsKeys(path.Split('.')));
    }

    [Fact]
    public void SchemaListAt_CallerChangesSchemaLater_IsUnaffected()
    {
        var source = JsonAssert.Object(CrdSchema);
        var schema = new SchemaMergeSchema(source);

        source["properties"]!["spec"]!["properties"]!["hosts"]!["x-kubernetes-list-type"] = "atomic";

        Assert.Equal("set", Describe(schema.ListAt(["spec", "hosts"])));
    }

    [Fact]
    public void MergeSchemasFor_BuiltinKind_UsesPathTable()
    {
        var deployments = new ResourceDefinition { Group = "apps", Version = "v1", Kind = "Deployment", Plural = "deployments", Singular = "deployment", Namespaced = true };

        var schema = MergeSchemas.For(deployments);

        Assert.Same(BuiltinMergeSchema.For("apps", "Deployment"), schema);
    }

    [Fact]
    public void MergeSchemasFor_CustomResource_ReadsItsSchemaOncePerSchemaObject()
    {
        var crd = new ResourceDefinition
        {
            Group = "example.com", Version = "v1", Kind = "Gateway", Plural = "gateways", Singular = "gateway", Namespaced = true,
            IsCustom = true, Schema = JsonAssert.Object(CrdSchema),
        };
        var withoutSchema = crd with { Schema = null };

        var first = MergeSchemas.For(crd);
        var second = MergeSchemas.For(crd with { Plural = "gateways" });

        Assert.Same(first, second);
        Assert.Equal("map:port,protocol", Describe(first.ListAt(["spec", "ports"])));
        Assert.Equal("atomic", Describe(MergeSchemas.For(withoutSchema).ListAt(["spec", "ports"])));
        Assert.Equal("set", Describe(MergeSchemas.For(withoutSchema).ListAt(["metadata", "finalizers"])));
    }

    private static string Describe(ListSemantics semantics) => semantics.Type switch
    {
        ListType.Map => "map:" + string.Join(',', semantics.Keys),
        ListType.Set => "set",
        _ => "atomic",
    };
}
