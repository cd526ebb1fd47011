using System.Globalization;
using BenchmarkDotNet.Attributes;
using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Scheduler;

namespace Flotilla.Benchmarks;

/// <summary>
/// One PickN scheduling decision (one <see cref="PlacementScheduler.Schedule"/> call) over a realistic fleet: PickN 100
/// with required affinity (labels and a property), two preferred terms (a label, a property sorter), two topology
/// spread constraints (region DoNotSchedule, updateDay ScheduleAnyway) and a toleration. With topology spread a
/// cycle picks one cluster, so placing 100 clusters takes 100 decisions; this measures the one at the mid-point,
/// with 50 bindings already made, where every cycle evaluates the whole fleet.
/// </summary>
/// <remarks>
/// Goal (issue): ≥ 1,000 decisions/s on one core and ≤ 1 MiB allocated per decision over 1,000 clusters; ≥ 100/s
/// over 10,000 clusters. The cycle runs on the calling thread, so BenchmarkDotNet's time per call is one core's.
/// </remarks>
[MemoryDiagnoser]
public class SchedulerBenchmarks
{
    private const int PickN = 100;
    private const int AlreadyBound = 50;
    private const string SnapshotName = "web-app-3";

    private static readonly string[] Regions = ["eastus", "westus2", "centralus", "westeurope", "northeurope", "southeastasia"];
    private static readonly string[] UpdateDays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    private static readonly string[] Teams = ["payments", "search", "checkout", "identity", "platform", "data", "ml", "edge"];

    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private readonly PlacementScheduler _scheduler = new();
    private SchedulingInput _input = null!;

    [Params(1_000, 10_000)]
    public int Clusters { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var clusters = Fleet(Clusters).Select(SchedulingCluster.From).ToList();
        var policy = new PolicyView(SnapshotName, null, Policy(), PickN, Generation: 1, PlacementGeneration: 3);

        // Reach the mid-point the way the hub does: one cycle per pick, each new binding visible to the next cycle.
        var bindings = new List<BindingView>(PickN);
        while (bindings.Count < AlreadyBound)
        {
            var picked = Decide(new SchedulingInput(policy, clusters, bindings, Now), $"setup cycle {bindings.Count + 1}");
            // Most of what was scheduled earlier has been bound by the rollout since.
            var state = bindings.Count < AlreadyBound - 10 ? BindingState.Bound : BindingState.Scheduled;
            bindings.Add(new BindingView($"web-app-{picked.Cluster}-{bindings.Count:x4}", state, picked.Cluster, SnapshotName, picked.Decision));
        }
        _input = new SchedulingInput(policy, clusters, bindings, Now);

        // The measured cycle must do the work: pick one more cluster (and requeue for the next), not return early.
        var next = Decide(_input, "the measured cycle");
        if (bindings.Any(b => b.TargetCluster == next.Cluster))
        {
            throw new InvalidOperationException($"the measured cycle picked {next.Cluster}, which already has a binding");
        }

        // And the region constraint must filter some clusters but not all: 50 picks over 6 regions are 9/9/8/8/8/8,
        // so one more in either region holding 9 would make the skew 2.
        var perRegion = bindings.GroupBy(b => clusters.First(c => c.Name == b.TargetCluster).Labels["region"]).Select(g => g.Count()).ToList();
        if (perRegion.Count != Regions.Length || perRegion.Max() - perRegion.Min() != 1)
        {
            throw new InvalidOperationException($"unexpected spread over regions: {string.Join(", ", perRegion)}");
        }
    }

    /// <summary>One scheduling decision: filter and score every cluster, pick one.</summary>
    [Benchmark]
    public SchedulingResult Schedule() => _scheduler.Schedule(_input);

    private NewBinding Decide(SchedulingInput input, string what)
    {
        var result = _scheduler.Schedule(input);
        if (result.Error is not null || result.Create.Count != 1 || !result.Requeue || result.Patch.Count != 0 || result.Unschedule.Count != 0)
        {
            throw new InvalidOperationException(
                $"{what} did not pick exactly one cluster: error={result.Error ?? "none"}, create={result.Create.Count}, " +
                $"patch={result.Patch.Count}, unschedule={result.Unschedule.Count}, requeue={result.Requeue}");
        }
        return result.Create[0];
    }

    /// <summary>
    /// PickN 100 of the production or staging clusters with at least 2 nodes, preferring production (20) and cheaper
    /// CPU (30), spread evenly over regions (DoNotSchedule) and as evenly as possible over update days; tolerates the
    /// dedicated=gpu taint.
    /// </summary>
    private static PlacementPolicy Policy() => new()
    {
        PlacementType = PlacementType.PickN,
        NumberOfClusters = PickN,
        Affinity = new Affinity
        {
            ClusterAffinity = new ClusterAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = new ClusterSelector
                {
                    ClusterSelectorTerms =
                    [
                        new ClusterSelectorTerm
                        {
                            LabelSelector = new StructuredLabelSelector
                            {
                                MatchExpressions = [new StructuredLabelRequirement { Key = "environment", Operator = "In", Values = ["production", "staging"] }],
                            },
                            PropertySelector = new PropertySelector
                            {
                                MatchExpressions =
                                [
                                    new PropertySelectorRequirement
                                    {
                                        Name = "kubernetes-fleet.io/node-count", Operator = PropertySelectorOperator.GreaterThanOrEqualTo, Values = ["2"],
                                    },
                                ],
                            },
                        },
                    ],
                },
                PreferredDuringSchedulingIgnoredDuringExecution =
                [
                    new PreferredClusterSelector
                    {
                        Weight = 20,
                        Preference = new ClusterSelectorTerm
                        {
                            LabelSelector = new StructuredLabelSelector { MatchLabels = new() { ["environment"] = "production" } },
                        },
                    },
                    new PreferredClusterSelector
                    {
                        Weight = 30,
                        Preference = new ClusterSelectorTerm
                        {
                            PropertySorter = new PropertySorter { Name = "kubernetes.azure.com/per-cpu-core-cost", SortOrder = PropertySortOrder.Ascending },
                        },
                    },
                ],
            },
        },
        TopologySpreadConstraints =
        [
            new TopologySpreadConstraint { TopologyKey = "region", MaxSkew = 1, WhenUnsatisfiable = UnsatisfiableConstraintAction.DoNotSchedule },
            new TopologySpreadConstraint { TopologyKey = "updateDay", MaxSkew = 1, WhenUnsatisfiable = UnsatisfiableConstraintAction.ScheduleAnyway },
        ],
        Tolerations = [new Toleration { Key = "dedicated", Operator = TolerationOperator.Equal, Value = "gpu", Effect = TaintEffect.NoSchedule }],
    };

    /// <summary>
    /// Joined, healthy member clusters with a recent heartbeat: six labels each (region, zone, updateDay, environment
    /// 70 % production / 20 % staging / 10 % development, team, tier), a dedicated=gpu taint on 5 % and a
    /// maintenance taint on 3 %, node-count (about 5 % with a single node) and per-CPU-core cost properties, and
    /// resource usage. Seeded, so every run builds the same fleet.
    /// </summary>
    private static IEnumerable<MemberCluster> Fleet(int count)
    {
        var random = new Random(20261122);
        for (var i = 0; i < count; i++)
        {
            var region = Regions[random.Next(Regions.Length)];
            var roll = random.Next(100);
            var environment = roll < 70 ? "production" : roll < 90 ? "staging" : "development";
            var taintRoll = random.Next(100);
            List<Taint>? taints = taintRoll switch
            {
                < 5 => [new Taint { Key = "dedicated", Value = "gpu", Effect = TaintEffect.NoSchedule }],
                < 8 => [new Taint { Key = "maintenance", Value = "true", Effect = TaintEffect.NoSchedule }],
                _ => null,
            };
            var nodes = random.Next(100) < 5 ? 1 : random.Next(2, 61);
            var cpu = nodes * 16;
            var memoryGi = nodes * 64;
            var availableCpu = cpu * random.Next(10, 80) / 100;
            var availableMemoryGi = memoryGi * random.Next(10, 80) / 100;
            var heartbeat = Now - TimeSpan.FromSeconds(random.Next(1, 60));
            yield return new MemberCluster
            {
                Metadata = new ObjectMeta
                {
                    Name = $"member-{i:D5}",
                    Labels = new Dictionary<string, string>
                    {
                        ["region"] = region,
                        ["zone"] = $"{region}-{random.Next(1, 4)}",
                        ["updateDay"] = UpdateDays[random.Next(UpdateDays.Length)],
                        ["environment"] = environment,
                        ["team"] = Teams[random.Next(Teams.Length)],
                        ["tier"] = random.Next(3) == 0 ? "critical" : "standard",
                    },
                },
                Spec = new MemberClusterSpec
                {
                    Identity = new Subject { Kind = "ServiceAccount", Name = "fleet-member-agent", Namespace = "fleet-system" },
                    Taints = taints,
                },
                Status = new MemberClusterStatus
                {
                    Conditions =
                    [
                        Condition(MemberClusterConditionType.ReadyToJoin),
                        Condition(MemberClusterConditionType.Joined),
                    ],
                    AgentStatus =
                    [
                        new AgentStatus
                        {
                            Type = AgentType.MemberAgent,
                            LastReceivedHeartbeat = heartbeat,
                            Conditions = [Condition(MemberClusterConditionType.Joined), Condition(MemberClusterConditionType.Healthy)],
                        },
                    ],
                    Properties = new Dictionary<string, PropertyValue>
                    {
                        ["kubernetes-fleet.io/node-count"] = new() { Value = nodes.ToString(CultureInfo.InvariantCulture), ObservationTime = heartbeat },
                        ["kubernetes.azure.com/per-cpu-core-cost"] = new()
                        {
                            Value = (0.02 + random.Next(0, 80) / 1000.0).ToString("0.000", CultureInfo.InvariantCulture),
                            ObservationTime = heartbeat,
                        },
                    },
                    ResourceUsage = new ResourceUsage
                    {
                        Capacity = Resources(cpu, memoryGi),
                        Allocatable = Resources(cpu * 95 / 100, memoryGi * 90 / 100),
                        Available = Resources(availableCpu, availableMemoryGi),
                        ObservationTime = heartbeat,
                    },
                },
            };
        }

        static Condition Condition(string type) => new()
        {
            Type = type,
            Status = ConditionStatus.True,
            LastTransitionTime = Now - TimeSpan.FromDays(30),
            Reason = type + "Succeeded",
            ObservedGeneration = 1,
        };

        static Dictionary<string, string> Resources(int cpu, int memoryGi) => new()
        {
            ["cpu"] = cpu.ToString(CultureInfo.InvariantCulture),
            ["memory"] = memoryGi.ToString(CultureInfo.InvariantCulture) + "Gi",
        };
    }
}
