using Flotilla.Client;
using Flotilla.Client.Discovery;
using Flotilla.Hub.Placement.Resources;

namespace Flotilla.Hub.Tests.Placement.Resources;

/// <summary>Which version of each kind the hub watches for resource selection.</summary>
public sealed class HubResourceCacheTests
{
    private static DiscoveredResource Served(string group, string version, string resource, string kind, bool preferred) =>
        new(new ResourceMapping(group, version, resource, kind, namespaced: true), ["list", "watch"], preferred);

    [Fact]
    public void WatchedVersions_KindInThePreferredVersion_ThatVersion_KindOnlyElsewhere_ItsMostPreferredVersion()
    {
        // Discovery order: versions most preferred first.
        var watched = HubResourceCache.WatchedVersions(
        [
            Served("placement.kubernetes-fleet.io", "v1", "clusterresourceplacements", "ClusterResourcePlacement", preferred: true),
            Served("placement.kubernetes-fleet.io", "v1beta1", "clusterresourceplacements", "ClusterResourcePlacement", preferred: false),
            Served("placement.kubernetes-fleet.io", "v1beta1", "resourceenvelopes", "ResourceEnvelope", preferred: false),
            Served("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", preferred: true),
            Served("autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", preferred: false),
        ]);

        Assert.Equal(
            ["placement.kubernetes-fleet.io/v1/ClusterResourcePlacement", "placement.kubernetes-fleet.io/v1beta1/ResourceEnvelope", "autoscaling/v2/HorizontalPodAutoscaler"],
            watched.Select(r => $"{r.Mapping.Kind.Group}/{r.Mapping.Kind.Version}/{r.Mapping.Kind.Kind}"));
    }
}
