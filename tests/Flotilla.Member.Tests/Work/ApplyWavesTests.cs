using Flotilla.Member.Work;

namespace Flotilla.Member.Tests.Work;

/// <summary>The apply wave table (placement spec §5.4 step 6).</summary>
public sealed class ApplyWavesTests
{
    [Theory]
    [InlineData("namespaces", 0)]
    [InlineData("priorityclasses", 0)]
    [InlineData("networkpolicies", 1)]
    [InlineData("resourcequotas", 1)]
    [InlineData("limitranges", 1)]
    [InlineData("podsecuritypolicies", 1)]
    [InlineData("poddisruptionbudgets", 1)]
    [InlineData("serviceaccounts", 1)]
    [InlineData("secrets", 1)]
    [InlineData("configmaps", 1)]
    [InlineData("storageclasses", 1)]
    [InlineData("persistentvolumes", 1)]
    [InlineData("persistentvolumeclaims", 1)]
    [InlineData("customresourcedefinitions", 1)]
    [InlineData("ingressclasses", 1)]
    [InlineData("clusterroles", 2)]
    [InlineData("roles", 2)]
    [InlineData("clusterrolebindings", 3)]
    [InlineData("rolebindings", 3)]
    [InlineData("services", 4)]
    [InlineData("daemonsets", 4)]
    [InlineData("pods", 4)]
    [InlineData("replicationcontrollers", 4)]
    [InlineData("replicasets", 4)]
    [InlineData("deployments", 4)]
    [InlineData("horizontalpodautoscalers", 4)]
    [InlineData("statefulsets", 4)]
    [InlineData("jobs", 4)]
    [InlineData("cronjobs", 4)]
    [InlineData("ingresses", 4)]
    [InlineData("apiservices", 5)]
    [InlineData("mutatingwebhookconfigurations", 5)]
    [InlineData("validatingwebhookconfigurations", 5)]
    [InlineData("widgets", 6)]
    [InlineData("Deployments", 6)]
    [InlineData("", 6)]
    public void WaveOf_Resource_TableWave(string resource, int wave) =>
        Assert.Equal(wave, ApplyWaves.WaveOf(resource));

    [Theory]
    [InlineData("", "namespaces", 0)]
    [InlineData("apps", "deployments", 4)]
    [InlineData("batch", "cronjobs", 4)]
    [InlineData("rbac.authorization.k8s.io", "clusterrolebindings", 3)]
    [InlineData("policy", "poddisruptionbudgets", 1)]
    [InlineData("networking.k8s.io", "ingresses", 4)]
    [InlineData("storage.k8s.io", "storageclasses", 1)]
    [InlineData("apiextensions.k8s.io", "customresourcedefinitions", 1)]
    [InlineData("apiregistration.k8s.io", "apiservices", 5)]
    [InlineData("admissionregistration.k8s.io", "validatingwebhookconfigurations", 5)]
    [InlineData("scheduling.k8s.io", "priorityclasses", 0)]
    [InlineData("autoscaling", "horizontalpodautoscalers", 4)]
    // A custom resource whose plural collides with a built-in one is still a custom resource: last.
    [InlineData("example.com", "services", 6)]
    [InlineData("example.com", "namespaces", 6)]
    [InlineData("apps.example.com", "deployments", 6)]
    [InlineData("example.com", "widgets", 6)]
    [InlineData("apps", "widgets", 6)]
    public void WaveOf_GroupAndResource_BuiltInGroupsOnly(string group, string resource, int wave) =>
        Assert.Equal(wave, ApplyWaves.WaveOf(group, resource));

    [Fact]
    public void Group_MixedManifests_WavesInOrderKeepingInputOrderWithinEachWave()
    {
        (string Name, string Group, string Resource)[] manifests =
        [
            ("web", "apps", "deployments"),
            ("hook", "admissionregistration.k8s.io", "validatingwebhookconfigurations"),
            ("widget", "example.com", "widgets"),
            ("config", "", "configmaps"),
            ("ns", "", "namespaces"),
            ("svc", "", "services"),
            ("reader", "rbac.authorization.k8s.io", "roles"),
            ("secret", "", "secrets"),
        ];

        var waves = ApplyWaves.Group(manifests, m => (m.Group, m.Resource));

        string[][] expected = [["ns"], ["config", "secret"], ["reader"], ["web", "svc"], ["hook"], ["widget"]];
        Assert.Equal(expected, waves.Select(w => w.Select(m => m.Name).ToArray()).ToArray());
    }

    [Fact]
    public void Group_NoManifests_NoWaves() =>
        Assert.Empty(ApplyWaves.Group(Array.Empty<string>(), _ => ("", "pods")));
}
