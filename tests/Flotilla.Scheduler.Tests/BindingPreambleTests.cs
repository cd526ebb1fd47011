using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using static Flotilla.Scheduler.Tests.Fleet;

namespace Flotilla.Scheduler.Tests;

/// <summary>What every cycle does before it picks (placement spec §3.2): deleting bindings, dangling bindings.</summary>
public sealed class BindingPreambleTests
{
    public static TheoryData<PlacementPolicy?> Policies => new()
    {
        null,
        PickAll(),
        PickN(2),
        PickFixed("a", "b"),
    };

    // Deleting bindings lose the scheduler's finalizer (if they still hold it) and count for nothing; bindings on
    // clusters gone or leaving are deselected and count for nothing either.
    [Theory]
    [MemberData(nameof(Policies))]
    public void Schedule_DeletingAndDanglingBindings_ReleasedAndDeselected(PlacementPolicy? policy)
    {
        var clusters = new[] { Cluster("a"), Cluster("b"), Cluster("leaving").Leaving() };

        var result = Schedule(Policy(policy), clusters,
            Binding("a", BindingState.Bound, score: (0, 0), deleting: true),
            Binding("b", BindingState.Scheduled, score: (0, 0), deleting: true, finalizer: false),
            Binding("gone", BindingState.Bound, score: (0, 0)),
            Binding("leaving", BindingState.Scheduled, OldSnapshot, score: (0, 0)));

        var lines = Render(result);
        Assert.Equal(
            ["release crp-a", "unschedule crp-gone (Bound)", "unschedule crp-leaving (Scheduled)"],
            lines.Where(l => l.StartsWith("release", StringComparison.Ordinal) || l.StartsWith("unschedule", StringComparison.Ordinal)));
        // a and b are picked again: their deleting bindings do not count.
        Assert.Equal(["a", "b"], result.Create.Select(c => c.Cluster).Order(StringComparer.Ordinal));
    }

    // An Unscheduled binding on a cluster that is gone is not dangling: it is left for the rollout controller.
    [Fact]
    public void Schedule_UnscheduledBindingOnGoneCluster_LeftAlone()
    {
        var result = Schedule(Policy(PickN(1)), [Cluster("a")], Binding("gone", BindingState.Unscheduled, previous: BindingState.Bound));

        Assert.Equal([Create("a"), Status(Fulfilled(1)), Selected("a")], Render(result));
    }

    [Fact]
    public void From_Binding_ReadsStateAnnotationFinalizerAndDeletion()
    {
        var binding = new ClusterResourceBinding
        {
            Metadata = new ObjectMeta
            {
                Name = "crp-a-1234",
                DeletionTimestamp = Now,
                Annotations = new Dictionary<string, string> { [PlacementApi.PreviousBindingStateAnnotation] = BindingState.Bound },
                Finalizers = [PlacementApi.SchedulerBindingCleanupFinalizer],
            },
            Spec = new ResourceBindingSpec { State = BindingState.Unscheduled, TargetCluster = "a", SchedulingPolicySnapshotName = OldSnapshot },
        };

        var view = BindingView.From(binding);

        Assert.Equal(new BindingView("crp-a-1234", BindingState.Unscheduled, "a", OldSnapshot, null, true, true, BindingState.Bound), view);
    }
}
