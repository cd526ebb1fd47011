using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.Hub.Placement.Resources;

namespace Flotilla.Hub.Tests.Placement.Resources;

/// <summary>Snapshot sort order (placement spec §1.3.2 "Resource sort order").</summary>
public sealed class ResourceOrderTests
{
    // "apiVersion kind [namespace/]name" → an object; keeps the tables readable.
    private static JsonObject O(string spec)
    {
        var parts = spec.Split(' ');
        var metadata = new JsonObject();
        var slash = parts[2].IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            metadata["namespace"] = parts[2][..slash];
        }
        metadata["name"] = parts[2][(slash + 1)..];
        return new JsonObject { ["apiVersion"] = parts[0], ["kind"] = parts[1], ["metadata"] = metadata };
    }

    private static string Describe(JsonObject o) =>
        $"{o.GetString("apiVersion")} {o.GetString("kind")} {(o.Namespace().Length > 0 ? o.Namespace() + "/" : "")}{o.Name()}";

    public static TheoryData<string, string[], string[]> Cases => new()
    {
        {
            "known kinds in table order, whatever the input order",
            ["apps/v1 Deployment ns/d", "v1 Service ns/s", "v1 Namespace ns", "scheduling.k8s.io/v1 PriorityClass p",
             "admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration w", "v1 ConfigMap ns/c", "apiextensions.k8s.io/v1 CustomResourceDefinition crd"],
            ["scheduling.k8s.io/v1 PriorityClass p", "v1 Namespace ns", "v1 ConfigMap ns/c", "apiextensions.k8s.io/v1 CustomResourceDefinition crd",
             "v1 Service ns/s", "apps/v1 Deployment ns/d", "admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration w"]
        },
        {
            "unknown kinds after every known kind, by GVK string (core group's empty group sorts first)",
            ["x.io/v1 Widget ns/a", "admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration w", "a.io/v1 Zebra z", "v1 Event ns/e", "x.io/v1 Gadget ns/a"],
            ["admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration w", "v1 Event ns/e", "a.io/v1 Zebra z", "x.io/v1 Gadget ns/a", "x.io/v1 Widget ns/a"]
        },
        {
            "same known kind from different groups shares the rank and orders by group/version",
            ["v1 Service ns/b", "example.com/v1 Service ns/a", "apps/v1 Deployment ns/a", "v1 Secret ns/z"],
            ["v1 Secret ns/z", "example.com/v1 Service ns/a", "v1 Service ns/b", "apps/v1 Deployment ns/a"]
        },
        {
            "same known kind and group/version orders by namespace/name; cluster-scoped \"/name\" first",
            ["rbac.authorization.k8s.io/v1 Role b/r", "rbac.authorization.k8s.io/v1 Role a/z", "rbac.authorization.k8s.io/v1 Role a/r"],
            ["rbac.authorization.k8s.io/v1 Role a/r", "rbac.authorization.k8s.io/v1 Role a/z", "rbac.authorization.k8s.io/v1 Role b/r"]
        },
        {
            "same kind, two versions of one group: group/version string decides before the name",
            ["x.io/v2 Deployment ns/a", "x.io/v1 Deployment ns/b"],
            ["x.io/v1 Deployment ns/b", "x.io/v2 Deployment ns/a"]
        },
        {
            "unknown kinds with one GVK order by namespace/name, ordinal (uppercase before lowercase)",
            ["x.io/v1 Widget ns/b", "x.io/v1 Widget ns/B", "x.io/v1 Widget a", "x.io/v1 Widget ns/a"],
            ["x.io/v1 Widget a", "x.io/v1 Widget ns/B", "x.io/v1 Widget ns/a", "x.io/v1 Widget ns/b"]
        },
        {
            "unknown kinds: GVK string compares group before kind",
            ["b.io/v1 Alpha a", "a.io/v1 Beta a"],
            ["a.io/v1 Beta a", "b.io/v1 Alpha a"]
        },
        {
            "empty input",
            [],
            []
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sort_Objects_SnapshotOrder(string why, string[] input, string[] expected)
    {
        var sorted = ResourceOrder.Sort(input.Select(O));

        Assert.True(expected.SequenceEqual(sorted.Select(Describe)), $"{why}: {string.Join(", ", sorted.Select(Describe))}");
    }

    [Fact]
    public void KnownKinds_Table_MatchesSpecOrder()
    {
        // Copied from the spec by hand, so a reordering of the table fails here.
        const string spec = "PriorityClass, Namespace, NetworkPolicy, ResourceQuota, LimitRange, PodDisruptionBudget, ServiceAccount, "
            + "Secret, ConfigMap, StorageClass, PersistentVolume, PersistentVolumeClaim, CustomResourceDefinition, ClusterRole, "
            + "ClusterRoleBinding, Role, RoleBinding, Service, DaemonSet, Pod, ReplicationController, ReplicaSet, Deployment, "
            + "HorizontalPodAutoscaler, StatefulSet, Job, CronJob, IngressClass, Ingress, APIService, MutatingWebhookConfiguration, "
            + "ValidatingWebhookConfiguration";

        Assert.Equal(spec, string.Join(", ", ResourceOrder.KnownKinds));
        Assert.Equal(17, ResourceOrder.KnownKinds.ToList().IndexOf("Service"));
    }

    [Fact]
    public void Sort_Input_NotReordered()
    {
        var input = new List<JsonObject> { O("apps/v1 Deployment ns/d"), O("v1 Namespace ns") };

        ResourceOrder.Sort(input);

        Assert.Equal(["apps/v1 Deployment ns/d", "v1 Namespace ns"], input.Select(Describe));
    }
}
