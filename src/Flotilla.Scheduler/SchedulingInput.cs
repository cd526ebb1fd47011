using Flotilla.Api.Placement;

namespace Flotilla.Scheduler;

/// <summary>Everything one scheduling cycle of one placement decides on (placement spec §3.2).</summary>
/// <param name="Policy">The placement's latest policy snapshot.</param>
/// <param name="Clusters">Every MemberCluster of the fleet, eligible or not.</param>
/// <param name="Bindings">Every binding of the placement, read from the server (not a cache), so decisions are never made twice.</param>
/// <param name="Now">The time eligibility is judged at.</param>
public sealed record SchedulingInput(
    PolicyView Policy,
    IReadOnlyList<SchedulingCluster> Clusters,
    IReadOnlyList<BindingView> Bindings,
    DateTimeOffset Now);

/// <summary>The latest policy snapshot of a placement, as the scheduler reads it.</summary>
/// <param name="SnapshotName">The snapshot's name; bindings that name another snapshot are obsolete.</param>
/// <param name="PlacementNamespace">The namespace of a ResourcePlacement; null for a ClusterResourcePlacement.</param>
/// <param name="Policy">The placement policy; null means pick all clusters.</param>
/// <param name="NumberOfClusters">The <c>number-of-clusters</c> annotation (PickN only), already parsed.</param>
/// <param name="Generation">The snapshot's generation (the Scheduled condition's observedGeneration).</param>
/// <param name="PlacementGeneration">The <c>CRP-generation</c> annotation: the placement generation the policy came from.</param>
/// <param name="Status">The snapshot's current status, so an unchanged outcome writes nothing.</param>
public sealed record PolicyView(
    string SnapshotName,
    string? PlacementNamespace,
    PlacementPolicy? Policy,
    int? NumberOfClusters,
    long Generation,
    long PlacementGeneration,
    SchedulingPolicySnapshotStatus? Status = null)
{
    /// <summary>
    /// The scheduler's view of a policy snapshot: its annotations parsed. A PickN snapshot whose
    /// <c>number-of-clusters</c> annotation is missing or not a non-negative integer gets a null
    /// <see cref="NumberOfClusters"/>, which the cycle reports as an error.
    /// </summary>
    public static PolicyView From(IPolicySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var meta = snapshot.Metadata;
        return new PolicyView(
            meta.Name ?? "",
            meta.Namespace,
            snapshot.Spec.Policy,
            IntAnnotation(meta, PlacementApi.NumberOfClustersAnnotation),
            meta.Generation ?? 0,
            IntAnnotation(meta, PlacementApi.PlacementGenerationAnnotation) ?? 0,
            snapshot.Status);
    }

    private static int? IntAnnotation(Api.Meta.ObjectMeta meta, string key) =>
        meta.Annotations?.TryGetValue(key, out var text) == true
        && int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    /// <summary>The placement type, PickAll when the policy is unset.</summary>
    public string PlacementType => Policy?.PlacementType ?? Api.Placement.PlacementType.PickAll;
}

/// <summary>One existing binding of the placement.</summary>
/// <param name="Name">The binding's name.</param>
/// <param name="State">Scheduled, Bound or Unscheduled.</param>
/// <param name="TargetCluster">The cluster it binds to.</param>
/// <param name="PolicySnapshotName">The policy snapshot its decision belongs to.</param>
/// <param name="Decision">The recorded decision, with scores when the scheduler scored the cluster.</param>
/// <param name="Deleting">It has a deletionTimestamp.</param>
/// <param name="HasSchedulerFinalizer">It still holds <c>scheduler-crb-cleanup</c>.</param>
/// <param name="PreviousState">The <c>previous-binding-state</c> annotation of an Unscheduled binding.</param>
public sealed record BindingView(
    string Name,
    string State,
    string TargetCluster,
    string PolicySnapshotName,
    ClusterDecision? Decision = null,
    bool Deleting = false,
    bool HasSchedulerFinalizer = true,
    string? PreviousState = null)
{
    /// <summary>The binding's view of an API object.</summary>
    public static BindingView From(IBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var meta = binding.Metadata;
        string? previous = null;
        meta.Annotations?.TryGetValue(PlacementApi.PreviousBindingStateAnnotation, out previous);
        return new BindingView(
            meta.Name ?? "",
            binding.Spec.State,
            binding.Spec.TargetCluster,
            binding.Spec.SchedulingPolicySnapshotName,
            binding.Spec.ClusterDecision,
            meta.DeletionTimestamp is not null,
            meta.HasFinalizer(PlacementApi.SchedulerBindingCleanupFinalizer),
            previous);
    }
}
