using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Scheduler.Framework;
using Flotilla.Scheduler.Plugins;
using static Flotilla.Scheduler.Tests.Fleet;
using Op = Flotilla.Api.Placement.PropertySelectorOperator;

namespace Flotilla.Scheduler.Tests.Plugins;

public sealed class ClusterAffinityTests
{
    private const string NoMatch = "ClusterUnschedulable, cluster does not match with any of the required cluster affinity terms";
    private const string NodeCount = "kubernetes-fleet.io/node-count";

    private static string Filter(PlacementPolicy policy, ClusterBuilder cluster)
    {
        var view = cluster.View();
        var plugin = new ClusterAffinityPlugin();
        var state = CycleState.For([view], Now);
        var policyView = Policy(policy);
        Assert.Null(plugin.PreFilter(state, policyView));
        return Render(plugin.Filter(state, policyView, view));
    }

    // Quantities compare by amount, whatever the suffix: 1Ki is 1024, 500m is 0.5.
    [Theory]
    [InlineData("1Ki", Op.EqualTo, "1024", true)]
    [InlineData("500m", Op.EqualTo, "0.5", true)]
    [InlineData("1k", Op.EqualTo, "1Ki", false)]
    [InlineData("1Gi", Op.NotEqualTo, "1024Mi", false)]
    [InlineData("1G", Op.NotEqualTo, "1Gi", true)]
    [InlineData("2", Op.GreaterThan, "1", true)]
    [InlineData("1", Op.GreaterThan, "1000m", false)]
    [InlineData("1", Op.GreaterThanOrEqualTo, "1000m", true)]
    [InlineData("999m", Op.GreaterThanOrEqualTo, "1", false)]
    [InlineData("1", Op.LessThan, "1001m", true)]
    [InlineData("1Ki", Op.LessThan, "1024", false)]
    [InlineData("1Ki", Op.LessThanOrEqualTo, "1024", true)]
    [InlineData("2", Op.LessThanOrEqualTo, "1500m", false)]
    [InlineData("-1", Op.LessThan, "0", true)]
    public void Filter_PropertyOperator_ComparesQuantities(string observed, string op, string value, bool matches)
    {
        var policy = PickAll().WithRequired(Term(null, Prop(NodeCount, op, value)));

        var status = Filter(policy, Cluster("c").Property(NodeCount, observed));

        Assert.Equal(matches ? "Success" : NoMatch, status);
    }

    [Theory]
    [InlineData("resources.kubernetes-fleet.io/total-cpu", 8d)]
    [InlineData("resources.kubernetes-fleet.io/allocatable-cpu", 6d)]
    [InlineData("resources.kubernetes-fleet.io/available-cpu", 4d)]
    [InlineData("resources.kubernetes-fleet.io/available-memory", 17179869184d)]
    [InlineData("resources.kubernetes-fleet.io/total-memory", null)]
    [InlineData(NodeCount, 3d)]
    [InlineData("kubernetes.azure.com/per-cpu-core-cost", 0.25)]
    [InlineData("kubernetes-fleet.io/unknown", null)]
    public void Property_Name_ReadsStatusPropertiesOrResourceUsage(string name, double? expected)
    {
        var cluster = Cluster("c")
            .Capacity("cpu", "8").Allocatable("cpu", "6").Available("cpu", "4").Available("memory", "16Gi")
            .Property(NodeCount, "3").Property("kubernetes.azure.com/per-cpu-core-cost", "250m")
            .View();

        var reading = cluster.Property(name);

        Assert.Equal((expected is not null, expected), (reading.Found, reading.Found ? reading.Approximate : (double?)null));
    }

    public static TheoryData<string, ClusterBuilder, bool> ResourceProperties => new()
    {
        { "resources.kubernetes-fleet.io/total-cpu", Cluster("c").Capacity("cpu", "8").Allocatable("cpu", "1").Available("cpu", "1"), true },
        { "resources.kubernetes-fleet.io/total-cpu", Cluster("c").Capacity("cpu", "2").Allocatable("cpu", "8").Available("cpu", "8"), false },
        { "resources.kubernetes-fleet.io/allocatable-cpu", Cluster("c").Capacity("cpu", "1").Allocatable("cpu", "4500m").Available("cpu", "1"), true },
        { "resources.kubernetes-fleet.io/allocatable-cpu", Cluster("c").Capacity("cpu", "8").Allocatable("cpu", "3").Available("cpu", "8"), false },
        { "resources.kubernetes-fleet.io/available-cpu", Cluster("c").Capacity("cpu", "1").Allocatable("cpu", "1").Available("cpu", "4"), true },
        { "resources.kubernetes-fleet.io/available-cpu", Cluster("c").Capacity("cpu", "8").Allocatable("cpu", "8").Available("cpu", "3999m"), false },
        { "resources.kubernetes-fleet.io/available-memory", Cluster("c").Available("memory", "4Gi"), true },
        // A resource the cluster does not report is not available: the term does not match, and that is no error.
        { "resources.kubernetes-fleet.io/available-gpu", Cluster("c").Available("cpu", "64"), false },
    };

    [Theory]
    [MemberData(nameof(ResourceProperties))]
    public void Filter_ResourceProperty_ReadsTheMatchingResourceUsage(string property, ClusterBuilder cluster, bool matches)
    {
        var policy = PickAll().WithRequired(Term(null, Prop(property, Op.GreaterThanOrEqualTo, "4")));

        Assert.Equal(matches ? "Success" : NoMatch, Filter(policy, cluster));
    }

    public static TheoryData<ClusterSelectorTerm[], ClusterBuilder, bool> Terms => new()
    {
        // Terms are ORed.
        { [Term(Labels("env", "prod")), Term(Labels("env", "test"))], Cluster("c").Label("env", "test"), true },
        { [Term(Labels("env", "prod")), Term(Labels("env", "test"))], Cluster("c").Label("env", "dev"), false },
        // Labels and properties are ANDed within a term.
        { [Term(Labels("env", "prod"), Prop(NodeCount, Op.GreaterThan, "3"))], Cluster("c").Label("env", "prod").Property(NodeCount, "5"), true },
        { [Term(Labels("env", "prod"), Prop(NodeCount, Op.GreaterThan, "3"))], Cluster("c").Label("env", "prod").Property(NodeCount, "2"), false },
        { [Term(Labels("env", "prod"), Prop(NodeCount, Op.GreaterThan, "3"))], Cluster("c").Label("env", "test").Property(NodeCount, "5"), false },
        // Every expression of a term must hold.
        { [Term(null, Prop(NodeCount, Op.GreaterThan, "3"), Prop(NodeCount, Op.LessThan, "5"))], Cluster("c").Property(NodeCount, "4"), true },
        { [Term(null, Prop(NodeCount, Op.GreaterThan, "3"), Prop(NodeCount, Op.LessThan, "5"))], Cluster("c").Property(NodeCount, "5"), false },
        // A missing property fails its term, not the others.
        { [Term(null, Prop("p", Op.EqualTo, "1"))], Cluster("c"), false },
        { [Term(null, Prop("p", Op.EqualTo, "1")), Term(Labels("env", "prod"))], Cluster("c").Label("env", "prod"), true },
        // A term without selectors matches every cluster.
        { [Term()], Cluster("c"), true },
        // When the labels do not match, the property is not even read (so its bad value is no error).
        { [Term(Labels("env", "prod"), Prop("p", Op.EqualTo, "1"))], Cluster("c").Label("env", "test").Property("p", "not-a-quantity"), false },
    };

    [Theory]
    [MemberData(nameof(Terms))]
    public void Filter_RequiredTerms_OredTermsAndedSelectors(ClusterSelectorTerm[] terms, ClusterBuilder cluster, bool matches)
    {
        Assert.Equal(matches ? "Success" : NoMatch, Filter(PickAll().WithRequired(terms), cluster));
    }

    public static TheoryData<PlacementPolicy?, string> PreFilterSkips => new()
    {
        { null, "Skip, no required cluster affinity terms to enforce" },
        { PickAll(), "Skip, no required cluster affinity terms to enforce" },
        { new PlacementPolicy { Affinity = new Affinity() }, "Skip, no required cluster affinity terms to enforce" },
        { PickAll().WithPreferred(Preferred(10)), "Skip, no required cluster affinity terms to enforce" },
        { PickAll().WithRequired(), "Skip, no required cluster affinity terms to enforce" },
        { PickAll().WithRequired(Term()), "Success" },
    };

    [Theory]
    [MemberData(nameof(PreFilterSkips))]
    public void PreFilter_NoRequiredTerms_Skips(PlacementPolicy? policy, string expected)
    {
        Assert.Equal(expected, Render(new ClusterAffinityPlugin().PreFilter(CycleState.For([], Now), Policy(policy))));
    }

    // Internal errors stop the cycle: nothing is created or written, whatever other clusters would have matched.
    public static TheoryData<PlacementPolicy, ClusterBuilder, string> Errors => new()
    {
        {
            PickAll().WithRequired(Term(null, Prop("resources.kubernetes-fleet.io/cpu", Op.GreaterThan, "1"))), Cluster("bad"),
            "invalid resource property name resources.kubernetes-fleet.io/cpu: the name should be of the format resources.kubernetes-fleet.io/[CAPACITY-TYPE]-[RESOURCE-NAME]"
        },
        {
            PickAll().WithRequired(Term(null, Prop("resources.kubernetes-fleet.io/total-ephemeral-storage", Op.GreaterThan, "1"))), Cluster("bad"),
            "invalid resource property name resources.kubernetes-fleet.io/total-ephemeral-storage: the name should be of the format resources.kubernetes-fleet.io/[CAPACITY-TYPE]-[RESOURCE-NAME]"
        },
        {
            PickAll().WithRequired(Term(null, Prop("resources.kubernetes-fleet.io/-cpu", Op.GreaterThan, "1"))), Cluster("bad"),
            "invalid resource property name resources.kubernetes-fleet.io/-cpu: the name should be of the format resources.kubernetes-fleet.io/[CAPACITY-TYPE]-[RESOURCE-NAME]"
        },
        {
            PickAll().WithRequired(Term(null, Prop("resources.kubernetes-fleet.io/total-", Op.GreaterThan, "1"))), Cluster("bad"),
            "invalid resource property name resources.kubernetes-fleet.io/total-: the name should be of the format resources.kubernetes-fleet.io/[CAPACITY-TYPE]-[RESOURCE-NAME]"
        },
        {
            PickAll().WithRequired(Term(null, Prop("resources.kubernetes-fleet.io/used-cpu", Op.GreaterThan, "1"))), Cluster("bad"),
            "invalid resource property name resources.kubernetes-fleet.io/used-cpu: unknown capacity type used"
        },
        {
            PickAll().WithRequired(Term(null, Prop(NodeCount, Op.GreaterThan, "1"))), Cluster("bad").Property(NodeCount, "three"),
            "failed to parse the value of property kubernetes-fleet.io/node-count on cluster bad: " + Quantity.FormatWrongError
        },
        {
            PickAll().WithRequired(Term(null, Prop("resources.kubernetes-fleet.io/total-cpu", Op.GreaterThan, "1"))), Cluster("bad").Capacity("cpu", "lots"),
            "failed to parse the value of property resources.kubernetes-fleet.io/total-cpu on cluster bad: " + Quantity.FormatWrongError
        },
        {
            PickAll().WithRequired(Term(null, Prop(NodeCount, Op.GreaterThan, "1", "2"))), Cluster("bad").Property(NodeCount, "3"),
            "more than one value is specified for property kubernetes-fleet.io/node-count (or none); expected exactly one"
        },
        {
            PickAll().WithRequired(Term(null, Prop(NodeCount, "Between", "1"))), Cluster("bad").Property(NodeCount, "3"),
            "invalid property selector operator: Between"
        },
        {
            PickAll().WithRequired(Term(null, Prop(NodeCount, Op.GreaterThan, "a few"))), Cluster("bad").Property(NodeCount, "3"),
            "failed to parse the value a few of property kubernetes-fleet.io/node-count: " + Quantity.FormatWrongError
        },
        {
            PickAll().WithRequired(new ClusterSelectorTerm
            {
                LabelSelector = new StructuredLabelSelector { MatchExpressions = [new StructuredLabelRequirement { Key = "env", Operator = "Matches", Values = ["prod"] }] },
            }),
            Cluster("bad"),
            "failed to parse label selector: \"Matches\" is not a valid label selector operator"
        },
        {
            PickN(1).WithPreferred(Preferred(10, sortBy: NodeCount)), Cluster("bad").Property(NodeCount, "many"),
            "failed to parse the value of property kubernetes-fleet.io/node-count on cluster bad: " + Quantity.FormatWrongError
        },
        // A term of weight 0 scores nothing, but its sorted property is still read.
        {
            PickN(1).WithPreferred(Preferred(0, sortBy: NodeCount)), Cluster("bad").Property(NodeCount, "many"),
            "failed to parse the value of property kubernetes-fleet.io/node-count on cluster bad: " + Quantity.FormatWrongError
        },
        {
            PickN(1).WithPreferred(new PreferredClusterSelector
            {
                Weight = 10,
                Preference = new ClusterSelectorTerm { LabelSelector = new StructuredLabelSelector { MatchExpressions = [new StructuredLabelRequirement { Key = "env", Operator = "Exists", Values = ["x"] }] } },
            }),
            Cluster("bad"),
            "failed to parse label selector: values: Invalid value: 1: values set must be empty for exists and does not exist"
        },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Schedule_MalformedSelectorOrValue_InternalErrorAndNoBindings(PlacementPolicy policy, ClusterBuilder bad, string error)
    {
        var result = Schedule(Policy(policy), [Cluster("good").Property(NodeCount, "5").Capacity("cpu", "8"), bad]);

        Assert.Equal(["error: " + error], Render(result));
    }

    [Fact]
    public void Schedule_InternalError_PreambleChangesStillApply()
    {
        var policy = PickAll().WithRequired(Term(null, Prop(NodeCount, Op.GreaterThan, "1")));
        var clusters = new[] { Cluster("a"), Cluster("bad").Property(NodeCount, "three"), Cluster("b"), Cluster("leaving").Leaving() };

        // Without the error, b's obsolete binding would be deselected too.
        var result = Schedule(Policy(policy), clusters,
            Binding("gone", BindingState.Bound), Binding("leaving", BindingState.Scheduled), Binding("a", deleting: true),
            Binding("b", BindingState.Bound, OldSnapshot));

        Assert.Equal(
            [
                "release crp-a",
                "unschedule crp-gone (Bound)",
                "unschedule crp-leaving (Scheduled)",
                "error: failed to parse the value of property kubernetes-fleet.io/node-count on cluster bad: " + Quantity.FormatWrongError,
            ],
            Render(result));
    }

    private static Dictionary<string, int> Scores(PlacementPolicy policy, params ClusterBuilder[] clusters)
    {
        var views = Views(clusters);
        var plugin = new ClusterAffinityPlugin();
        var state = CycleState.For(views, Now);
        var policyView = Policy(policy);
        Assert.Null(plugin.PreScore(state, policyView));
        var scores = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var view in views)
        {
            Assert.Null(plugin.Score(state, policyView, view, out var score));
            Assert.Equal((0, 0), (score.TopologySpread, score.ObsoletePlacementAffinity));
            scores[view.Name] = score.Affinity;
        }
        return scores;
    }

    // The spec's example: value 4 between 2 and 7.
    [Theory]
    [InlineData(PropertySortOrder.Descending, 7, 3)] // 2.8
    [InlineData(PropertySortOrder.Descending, 8, 3)] // 3.2
    [InlineData(PropertySortOrder.Ascending, 8, 5)] // 4.8
    [InlineData(PropertySortOrder.Ascending, 7, 4)] // 4.2
    [InlineData(PropertySortOrder.Descending, -7, -3)]
    [InlineData(PropertySortOrder.Ascending, -8, -5)]
    public void Score_PropertySorter_InterpolatesBetweenMinAndMax(string order, int weight, int expected)
    {
        var policy = PickN(1).WithPreferred(Preferred(weight, sortBy: NodeCount, order: order));

        var scores = Scores(policy, Cluster("min").Property(NodeCount, "2"), Cluster("mid").Property(NodeCount, "4"), Cluster("max").Property(NodeCount, "7"));

        var full = order == PropertySortOrder.Descending ? (Min: 0, Max: weight) : (Min: weight, Max: 0);
        Assert.Equal(new Dictionary<string, int> { ["min"] = full.Min, ["mid"] = expected, ["max"] = full.Max }, scores);
    }

    // Exact halves round away from zero (Go's math.Round), not to even.
    [Theory]
    [InlineData(PropertySortOrder.Descending, "1", 2, 1)] // 0.5
    [InlineData(PropertySortOrder.Descending, "1", 6, 2)] // 1.5
    [InlineData(PropertySortOrder.Descending, "1", 10, 3)] // 2.5
    [InlineData(PropertySortOrder.Descending, "1", -10, -3)] // -2.5
    [InlineData(PropertySortOrder.Descending, "2", 5, 3)] // 2.5
    [InlineData(PropertySortOrder.Ascending, "3", 10, 3)] // 2.5
    [InlineData(PropertySortOrder.Ascending, "3", 2, 1)] // 0.5
    [InlineData(PropertySortOrder.Ascending, "3", -2, -1)] // -0.5
    public void Score_ExactHalf_RoundsAwayFromZero(string order, string value, int weight, int expected)
    {
        var policy = PickN(1).WithPreferred(Preferred(weight, sortBy: "p", order: order));

        var scores = Scores(policy, Cluster("min").Property("p", "0"), Cluster("c").Property("p", value), Cluster("max").Property("p", "4"));

        Assert.Equal(expected, scores["c"]);
    }

    public static TheoryData<PreferredClusterSelector[], ClusterBuilder, int> PreferredTerms => new()
    {
        { [Preferred(20)], Cluster("c"), 20 },
        { [Preferred(20, Labels("env", "prod"))], Cluster("c").Label("env", "prod"), 20 },
        { [Preferred(20, Labels("env", "prod"))], Cluster("c").Label("env", "test"), 0 },
        { [Preferred(-30, Labels("env", "prod"))], Cluster("c").Label("env", "prod"), -30 },
        { [Preferred(-30, Labels("env", "prod"))], Cluster("c"), 0 },
        { [Preferred(20, Labels("env", "prod")), Preferred(-5), Preferred(7, Labels("tier", "gold"))], Cluster("c").Label("env", "prod"), 15 },
        { [Preferred(0)], Cluster("c"), 0 },
        // A sorter on a property the cluster lacks gives 0 (the other clusters have it: min 0, max 10).
        { [Preferred(50, sortBy: "p")], Cluster("c"), 0 },
        // A label selector that does not match gives 0 even where the sorter would give the full weight.
        { [Preferred(50, Labels("env", "prod"), sortBy: "p")], Cluster("c").Label("env", "test").Property("p", "10"), 0 },
        { [Preferred(50, Labels("env", "prod"), sortBy: "p")], Cluster("c").Label("env", "prod").Property("p", "10"), 50 },
        { [Preferred(50, sortBy: "p"), Preferred(50, sortBy: "p", order: PropertySortOrder.Ascending)], Cluster("c").Property("p", "3"), 50 },
    };

    [Theory]
    [MemberData(nameof(PreferredTerms))]
    public void Score_PreferredTerms_SumOfMatchingWeights(PreferredClusterSelector[] terms, ClusterBuilder cluster, int expected)
    {
        var scores = Scores(PickN(1).WithPreferred(terms), Cluster("p-min").Property("p", "0"), Cluster("p-max").Property("p", "10"), cluster);

        Assert.Equal(expected, scores[cluster.Name]);
    }

    [Fact]
    public void Score_EqualMinAndMax_Zero()
    {
        var scores = Scores(PickN(1).WithPreferred(Preferred(40, sortBy: "p")), Cluster("a").Property("p", "5"), Cluster("b").Property("p", "5000m"), Cluster("c"));

        Assert.Equal(new Dictionary<string, int> { ["a"] = 0, ["b"] = 0, ["c"] = 0 }, scores);
    }

    [Fact]
    public void PreScore_NoPreferredTerms_Skips()
    {
        var plugin = new ClusterAffinityPlugin();

        var statuses = new[] { null, PickN(1), PickN(1).WithRequired(Term()), PickN(1).WithPreferred() }
            .Select(p => Render(plugin.PreScore(CycleState.For([], Now), Policy(p))));

        Assert.Equal(Enumerable.Repeat("Skip, no preferred cluster affinity terms specified", 4), statuses);
    }

    // The range of a sorted property spans every cluster of the fleet, including ones filtered out: here the leaving
    // cluster's 10 is the maximum, so the best eligible cluster (5) gets half the weight, not all of it.
    [Fact]
    public void Schedule_SorterRange_CountsIneligibleClusters()
    {
        var policy = PickN(1).WithPreferred(Preferred(10, sortBy: "resources.kubernetes-fleet.io/available-cpu"));
        var clusters = new[]
        {
            Cluster("low").Available("cpu", "0"),
            Cluster("mid").Available("cpu", "5"),
            Cluster("high-but-leaving").Available("cpu", "10").Leaving(),
            Cluster("high-but-unhealthy").Available("cpu", "10").Unhealthy(),
        };

        var result = Schedule(Policy(policy), clusters);

        Assert.Equal(
            [
                Create("mid", affinity: 5),
                Status(Fulfilled(1)),
                Selected("mid", affinity: 5),
                NotPicked("low"),
                Filtered("high-but-leaving", "cluster has left the fleet"),
                Filtered("high-but-unhealthy", "cluster is not connected to the fleet: unhealthy for a prolonged period of time (last transitioned 10.00 minutes ago)"),
            ],
            Render(result));
    }

    // Upstream runs PreScore even when no cluster passed the filters, so a bad sorted value is still an error.
    [Fact]
    public void Schedule_BadSortedValueAndNoClusterPasses_InternalError()
    {
        var policy = PickN(1).WithPreferred(Preferred(10, sortBy: "p"));

        var result = Schedule(Policy(policy), [Cluster("bad").Property("p", "many").Unhealthy()]);

        Assert.Equal(["error: failed to parse the value of property p on cluster bad: " + Quantity.FormatWrongError], Render(result));
    }

    // Only terms of weight other than 0 are scored, so the label selector of a weight-0 term is never parsed.
    [Fact]
    public void Schedule_MalformedSelectorOfWeightZeroTerm_NoError()
    {
        var policy = PickN(1).WithPreferred(
            Preferred(5),
            new PreferredClusterSelector
            {
                Weight = 0,
                Preference = new ClusterSelectorTerm { LabelSelector = new StructuredLabelSelector { MatchExpressions = [new StructuredLabelRequirement { Key = "env", Operator = "Matches" }] } },
            });

        var result = Schedule(Policy(policy), [Cluster("a")]);

        Assert.Equal([Create("a", affinity: 5), Status(Fulfilled(1)), Selected("a", affinity: 5)], Render(result));
    }

    // PickAll does not score: preferred terms change nothing, every decision shows zero scores.
    [Fact]
    public void Schedule_PickAllWithPreferredTerms_NotScored()
    {
        var policy = PickAll().WithPreferred(Preferred(30, Labels("env", "prod")));

        var result = Schedule(Policy(policy), [Cluster("a").Label("env", "prod"), Cluster("b")]);

        Assert.Equal([Create("a"), Create("b"), Status(Fulfilled(2)), Selected("a"), Selected("b")], Render(result));
    }

    [Fact]
    public void Schedule_RequiredTermsNotMatched_FilteredWithUpstreamReason()
    {
        var policy = PickAll().WithRequired(Term(Labels("env", "prod")));

        var result = Schedule(Policy(policy), [Cluster("a").Label("env", "prod"), Cluster("b").Label("env", "test")]);

        Assert.Equal(
            [
                Create("a"),
                Status(Fulfilled(1)),
                Selected("a"),
                "b unselected - | ClusterUnschedulable, cluster does not match with any of the required cluster affinity terms",
            ],
            Render(result));
    }
}
