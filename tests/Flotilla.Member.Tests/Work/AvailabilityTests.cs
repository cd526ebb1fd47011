using Flotilla.Member.Work;

namespace Flotilla.Member.Tests.Work;

/// <summary>Availability per kind (placement spec §5.7).</summary>
public sealed class AvailabilityTests
{
    [Theory]
    [InlineData("rolled out", "{'metadata': {'generation': 2}, 'spec': {'replicas': 3}, 'status': {'observedGeneration': 2, 'replicas': 3, 'availableReplicas': 3, 'updatedReplicas': 3}}", nameof(AvailabilityResult.Available))]
    [InlineData("replicas default to 1", "{'metadata': {'generation': 1}, 'spec': {}, 'status': {'observedGeneration': 1, 'availableReplicas': 1, 'updatedReplicas': 1}}", nameof(AvailabilityResult.Available))]
    [InlineData("scaled to zero", "{'metadata': {'generation': 1}, 'spec': {'replicas': 0}, 'status': {'observedGeneration': 1}}", nameof(AvailabilityResult.Available))]
    [InlineData("spec not yet observed", "{'metadata': {'generation': 3}, 'spec': {'replicas': 3}, 'status': {'observedGeneration': 2, 'availableReplicas': 3, 'updatedReplicas': 3}}", nameof(AvailabilityResult.NotYetAvailable))]
    [InlineData("no status yet", "{'metadata': {'generation': 1}, 'spec': {'replicas': 1}}", nameof(AvailabilityResult.NotYetAvailable))]
    [InlineData("not all available", "{'metadata': {'generation': 1}, 'spec': {'replicas': 3}, 'status': {'observedGeneration': 1, 'availableReplicas': 2, 'updatedReplicas': 3}}", nameof(AvailabilityResult.NotYetAvailable))]
    [InlineData("not all updated", "{'metadata': {'generation': 1}, 'spec': {'replicas': 3}, 'status': {'observedGeneration': 1, 'availableReplicas': 3, 'updatedReplicas': 2}}", nameof(AvailabilityResult.NotYetAvailable))]
    [InlineData("old pods still unavailable", "{'metadata': {'generation': 1}, 'spec': {'replicas': 3}, 'status': {'observedGeneration': 1, 'availableReplicas': 3, 'updatedReplicas': 3, 'unavailableReplicas': 1}}", nameof(AvailabilityResult.NotYetAvailable))]
    public void Track_Deployment_TableRule(string name, string live, string expected)
    {
        Assert.NotEmpty(name);
        Assert.Equal(Enum.Parse<AvailabilityResult>(expected), Availability.Track("apps", "Deployment", TestJson.Parse(live)));
    }

    [Theory]
    [InlineData("rolled out", "{'metadata': {'generation': 1}, 'spec': {'replicas': 2}, 'status': {'observedGeneration': 1, 'availableReplicas': 2, 'currentReplicas': 2, 'updatedReplicas': 2, 'currentRevision': 'r1', 'updateRevision': 'r1'}}", nameof(AvailabilityResult.Available))]
    [InlineData("replicas default to 1", "{'metadata': {'generation': 1}, 'status': {'observedGeneration': 1, 'availableReplicas': 1, 'currentReplicas': 1, 'updatedReplicas': 1}}", nameof(AvailabilityResult.Available))]
    [InlineData("rolling to a new revision", "{'metadata': {'generation': 2}, 'spec': {'replicas': 2}, 'status': {'observedGeneration': 2, 'availableReplicas': 2, 'currentReplicas': 2, 'updatedReplicas': 2, 'currentRevision': 'r1', 'updateRevision': 'r2'}}", nameof(AvailabilityResult.NotYetAvailable))]
    [InlineData("current and updated differ", "{'metadata': {'generation': 1}, 'spec': {'replicas': 2}, 'status': {'observedGeneration': 1, 'availableReplicas': 2, 'currentReplicas': 1, 'updatedReplicas': 2}}", nameof(AvailabilityResult.NotYetAvailable))]
    [InlineData("not all available", "{'metadata': {'generation': 1}, 'spec': {'replicas': 2}, 'status': {'observedGeneration': 1, 'availableReplicas': 1, 'currentReplicas': 2, 'updatedReplicas': 2}}", nameof(AvailabilityResult.NotYetAvailable))]
    [InlineData("stale observation", "{'metadata': {'generation': 2}, 'spec': {'replicas': 1}, 'status': {'observedGeneration': 1, 'availableReplicas': 1, 'currentReplicas': 1, 'updatedReplicas': 1}}", nameof(AvailabilityResult.NotYetAvailable))]
    public void Track_StatefulSet_TableRule(string name, string live, string expected)
    {
        Assert.NotEmpty(name);
        Assert.Equal(Enum.Parse<AvailabilityResult>(expected), Availability.Track("apps", "StatefulSet", TestJson.Parse(live)));
    }

    [Theory]
    [InlineData("on every node", "{'metadata': {'generation': 1}, 'status': {'observedGeneration': 1, 'numberAvailable': 3, 'desiredNumberScheduled': 3, 'currentNumberScheduled': 3, 'updatedNumberScheduled': 3}}", nameof(AvailabilityResult.Available))]
    [InlineData("no nodes match", "{'metadata': {'generation': 1}, 'status': {'observedGeneration': 1}}", nameof(AvailabilityResult.Available))]
    [InlineData("not all available", "{'metadata': {'generation': 1}, 'status': {'observedGeneration': 1, 'numberAvailable': 2, 'desiredNumberScheduled': 3, 'currentNumberScheduled': 3, 'updatedNumberScheduled': 3}}", nameof(AvailabilityResult.NotYetAvailable))]
    [InlineData("not all updated", "{'metadata': {'generation': 1}, 'status': {'observedGeneration': 1, 'numberAvailable': 3, 'desiredNumberScheduled': 3, 'currentNumberScheduled': 3, 'updatedNumberScheduled': 1}}", nameof(AvailabilityResult.NotYetAvailable))]
    [InlineData("stale observation", "{'metadata': {'generation': 2}, 'status': {'observedGeneration': 1, 'numberAvailable': 3, 'desiredNumberScheduled': 3, 'currentNumberScheduled': 3, 'updatedNumberScheduled': 3}}", nameof(AvailabilityResult.NotYetAvailable))]
    public void Track_DaemonSet_TableRule(string name, string live, string expected)
    {
        Assert.NotEmpty(name);
        Assert.Equal(Enum.Parse<AvailabilityResult>(expected), Availability.Track("apps", "DaemonSet", TestJson.Parse(live)));
    }

    [Theory]
    [InlineData("{'spec': {'clusterIPs': ['10.0.0.1']}}", nameof(AvailabilityResult.Available))]
    [InlineData("{'spec': {'type': 'ClusterIP', 'clusterIPs': ['10.0.0.1', 'fd00::1']}}", nameof(AvailabilityResult.Available))]
    [InlineData("{'spec': {'type': 'ClusterIP', 'clusterIPs': ['None']}}", nameof(AvailabilityResult.Available))]
    [InlineData("{'spec': {'type': 'NodePort', 'clusterIPs': ['10.0.0.1']}}", nameof(AvailabilityResult.Available))]
    [InlineData("{'spec': {'type': 'ClusterIP'}}", nameof(AvailabilityResult.NotYetAvailable))]
    [InlineData("{'spec': {'type': 'ClusterIP', 'clusterIP': '10.0.0.1'}}", nameof(AvailabilityResult.NotYetAvailable))]
    [InlineData("{'spec': {'type': 'NodePort', 'clusterIPs': ['']}}", nameof(AvailabilityResult.NotYetAvailable))]
    [InlineData("{'spec': {'type': 'LoadBalancer', 'clusterIPs': ['10.0.0.1']}, 'status': {'loadBalancer': {'ingress': [{'ip': '20.1.2.3'}]}}}", nameof(AvailabilityResult.Available))]
    [InlineData("{'spec': {'type': 'LoadBalancer'}, 'status': {'loadBalancer': {'ingress': [{'hostname': 'lb.example.com'}]}}}", nameof(AvailabilityResult.Available))]
    [InlineData("{'spec': {'type': 'LoadBalancer', 'clusterIPs': ['10.0.0.1']}, 'status': {'loadBalancer': {}}}", nameof(AvailabilityResult.NotYetAvailable))]
    [InlineData("{'spec': {'type': 'LoadBalancer'}, 'status': {'loadBalancer': {'ingress': [{'ipMode': 'VIP'}]}}}", nameof(AvailabilityResult.NotYetAvailable))]
    [InlineData("{'spec': {'type': 'ExternalName', 'externalName': 'db.example.com'}}", nameof(AvailabilityResult.NotTrackable))]
    public void Track_Service_ByType(string live, string expected) =>
        Assert.Equal(Enum.Parse<AvailabilityResult>(expected), Availability.Track("", "Service", TestJson.Parse(live)));

    [Theory]
    [InlineData("{'status': {'conditions': [{'type': 'NamesAccepted', 'status': 'True'}, {'type': 'Established', 'status': 'True'}]}}", nameof(AvailabilityResult.Available))]
    [InlineData("{'status': {'conditions': [{'type': 'NamesAccepted', 'status': 'True'}, {'type': 'Established', 'status': 'False'}]}}", nameof(AvailabilityResult.NotYetAvailable))]
    [InlineData("{'status': {'conditions': [{'type': 'Established', 'status': 'True'}]}}", nameof(AvailabilityResult.NotYetAvailable))]
    [InlineData("{'status': {}}", nameof(AvailabilityResult.NotYetAvailable))]
    public void Track_CustomResourceDefinition_EstablishedAndNamesAccepted(string live, string expected) =>
        Assert.Equal(Enum.Parse<AvailabilityResult>(expected), Availability.Track("apiextensions.k8s.io", "CustomResourceDefinition", TestJson.Parse(live)));

    [Theory]
    [InlineData("disruptions allowed", "{'metadata': {'generation': 2}, 'status': {'observedGeneration': 2, 'disruptionsAllowed': 1, 'conditions': [{'type': 'DisruptionAllowed', 'status': 'True', 'reason': 'SufficientPods', 'observedGeneration': 2}]}}", nameof(AvailabilityResult.Available))]
    [InlineData("no disruptions allowed is still up to date", "{'metadata': {'generation': 2}, 'status': {'observedGeneration': 2, 'disruptionsAllowed': 0, 'conditions': [{'type': 'DisruptionAllowed', 'status': 'False', 'reason': 'InsufficientPods'}]}}", nameof(AvailabilityResult.Available))]
    [InlineData("condition disagrees with the count", "{'metadata': {'generation': 2}, 'status': {'observedGeneration': 2, 'disruptionsAllowed': 1, 'conditions': [{'type': 'DisruptionAllowed', 'status': 'False', 'reason': 'InsufficientPods'}]}}", nameof(AvailabilityResult.NotYetAvailable))]
    [InlineData("generation not observed", "{'metadata': {'generation': 3}, 'status': {'observedGeneration': 2, 'disruptionsAllowed': 1, 'conditions': [{'type': 'DisruptionAllowed', 'status': 'True', 'reason': 'SufficientPods'}]}}", nameof(AvailabilityResult.NotYetAvailable))]
    [InlineData("no condition yet", "{'metadata': {'generation': 1}, 'status': {'observedGeneration': 1}}", nameof(AvailabilityResult.NotYetAvailable))]
    public void Track_PodDisruptionBudget_StatusUpToDate(string name, string live, string expected)
    {
        Assert.NotEmpty(name);
        Assert.Equal(Enum.Parse<AvailabilityResult>(expected), Availability.Track("policy", "PodDisruptionBudget", TestJson.Parse(live)));
    }

    [Theory]
    [InlineData("", "Namespace")]
    [InlineData("", "Secret")]
    [InlineData("", "ConfigMap")]
    [InlineData("", "ServiceAccount")]
    [InlineData("", "LimitRange")]
    [InlineData("", "ResourceQuota")]
    [InlineData("rbac.authorization.k8s.io", "Role")]
    [InlineData("rbac.authorization.k8s.io", "ClusterRole")]
    [InlineData("rbac.authorization.k8s.io", "RoleBinding")]
    [InlineData("rbac.authorization.k8s.io", "ClusterRoleBinding")]
    [InlineData("networking.k8s.io", "NetworkPolicy")]
    [InlineData("networking.k8s.io", "IngressClass")]
    [InlineData("storage.k8s.io", "CSIDriver")]
    [InlineData("storage.k8s.io", "CSINode")]
    [InlineData("storage.k8s.io", "StorageClass")]
    [InlineData("storage.k8s.io", "CSIStorageCapacity")]
    [InlineData("apps", "ControllerRevision")]
    [InlineData("scheduling.k8s.io", "PriorityClass")]
    public void Track_DataKinds_ImmediatelyAvailable(string group, string kind) =>
        Assert.Equal(AvailabilityResult.Available, Availability.Track(group, kind, TestJson.Parse("{}")));

    [Theory]
    [InlineData("batch", "Job")]
    [InlineData("batch", "CronJob")]
    [InlineData("", "Pod")]
    [InlineData("", "PersistentVolumeClaim")]
    [InlineData("networking.k8s.io", "Ingress")]
    [InlineData("example.com", "Widget")]
    // Kinds that collide with built-in ones but live in another group are custom resources.
    [InlineData("example.com", "Deployment")]
    [InlineData("example.com", "Service")]
    [InlineData("example.com", "ConfigMap")]
    [InlineData("apps", "Namespace")]
    [InlineData("policy.example.com", "PodDisruptionBudget")]
    public void Track_OtherKinds_NotTrackable(string group, string kind) =>
        Assert.Equal(AvailabilityResult.NotTrackable, Availability.Track(group, kind, TestJson.Parse("{'status': {'replicas': 'x'}}")));

    [Fact]
    public void Track_MalformedField_ThrowsWithUpstreamWording()
    {
        var live = TestJson.Parse("{'metadata': {'generation': 1}, 'spec': {'replicas': 1}, 'status': {'availableReplicas': 'three'}}");

        var error = Assert.Throws<FormatException>(() => Availability.Track("apps", "Deployment", live));

        Assert.Equal("failed to convert the unstructured object to a deployment: .status.availableReplicas must be an integer, not \"three\"", error.Message);
    }

    [Theory]
    [InlineData(nameof(ApplyResultType.Applied), nameof(AvailabilityResultType.NotYetAvailable))]
    [InlineData(nameof(ApplyResultType.AppliedWithFailedDriftDetection), nameof(AvailabilityResultType.NotYetAvailable))]
    [InlineData(nameof(ApplyResultType.ManifestApplyFailed), nameof(AvailabilityResultType.Skipped))]
    [InlineData(nameof(ApplyResultType.FoundDrifts), nameof(AvailabilityResultType.Skipped))]
    [InlineData(nameof(ApplyResultType.PreparingToProcess), nameof(AvailabilityResultType.Skipped))]
    [InlineData(null, nameof(AvailabilityResultType.Skipped))]
    public void Evaluate_ApplyResult_TracksOnlyAppliedManifests(string? apply, string expected) =>
        Assert.Equal((Enum.Parse<AvailabilityResultType>(expected), (string?)null), Availability.Evaluate(apply is null ? null : Enum.Parse<ApplyResultType>(apply), "apps", "Deployment", TestJson.Parse("{'metadata': {'generation': 1}}")));

    [Theory]
    [InlineData("", "ConfigMap", "{}", nameof(AvailabilityResultType.Available))]
    [InlineData("batch", "Job", "{}", nameof(AvailabilityResultType.NotTrackable))]
    [InlineData("", "Service", "{'spec': {'type': 'ClusterIP', 'clusterIPs': ['10.0.0.1']}}", nameof(AvailabilityResultType.Available))]
    public void Evaluate_AppliedManifest_ManifestLevelResult(string group, string kind, string live, string expected) =>
        Assert.Equal((Enum.Parse<AvailabilityResultType>(expected), (string?)null), Availability.Evaluate(ApplyResultType.Applied, group, kind, TestJson.Parse(live)));

    [Fact]
    public void Evaluate_NoLiveObject_Skipped() =>
        Assert.Equal((AvailabilityResultType.Skipped, (string?)null), Availability.Evaluate(ApplyResultType.Applied, "", "ConfigMap", null));

    [Fact]
    public void Evaluate_MalformedObject_FailedWithTheReason() =>
        Assert.Equal(
            (AvailabilityResultType.Failed, (string?)"failed to convert the unstructured object to a service: .spec.clusterIPs must be an array, not \"10.0.0.1\""),
            Availability.Evaluate(ApplyResultType.Applied, "", "Service", TestJson.Parse("{'spec': {'clusterIPs': '10.0.0.1'}}")));
}
