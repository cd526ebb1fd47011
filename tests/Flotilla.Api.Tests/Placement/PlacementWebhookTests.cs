using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Api.Placement.Admission;
using static Flotilla.Api.Tests.Placement.PlacementTestObjects;

namespace Flotilla.Api.Tests.Placement;

/// <summary>The placement validating webhook (placement spec §1.3.5): upstream's checks and exact messages.</summary>
public sealed class PlacementWebhookTests
{
    private const string DenyPrefix = "deny create/update v1beta1 CRP has invalid fields ";
    private const string Policy = "the placement policy field is invalid: ";
    private const string Strategy = "the rollout Strategy field  is invalid: ";
    private const string NodeCount = "kubernetes-fleet.io/node-count";

    private const string QualifiedNameRule =
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    private readonly PlacementValidator _validator = new(new FakeScopeResolver());

    /// <summary>
    /// Each case breaks one webhook rule. <c>reachesWebhook</c> is false where a CEL rule rejects the object first on a
    /// real hub; the webhook check itself is still exercised through <see cref="PlacementValidator.ValidateFields"/>.
    /// </summary>
    public static TheoryData<string, Action<ClusterResourcePlacement>, bool, string> FieldCases => new()
    {
        { "name too long", c => c.Metadata.Name = new string('a', 64), true, "the name field cannot have length exceeding 63" },
        {
            "labelSelector with name",
            c => c.Spec.ResourceSelectors[0].LabelSelector = new StructuredLabelSelector { MatchLabels = new() { ["a"] = "b" } },
            false,
            "the labelSelector and name fields are mutually exclusive in selector {Group: Version:v1 Kind:Namespace Name:app LabelSelector:&LabelSelector{MatchLabels:map[string]string{a: b,},MatchExpressions:[]LabelSelectorRequirement{},} SelectionScope:NamespaceWithResources}"
        },
        {
            "invalid resource label selector",
            c => c.Spec.ResourceSelectors[0] = new ResourceSelectorTerm
            {
                Version = "v1", Kind = "Namespace",
                LabelSelector = new StructuredLabelSelector { MatchExpressions = [new StructuredLabelRequirement { Key = "tier", Operator = "Foo" }] },
            },
            true,
            "the labelSelector in resource selector &LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:tier,Operator:Foo,Values:[],},},} is invalid: \"Foo\" is not a valid label selector operator"
        },
        {
            "CRP selects a namespaced kind",
            c => c.Spec.ResourceSelectors.Add(new ResourceSelectorTerm { Version = "v1", Kind = "ConfigMap", Name = "cm" }),
            true,
            "the resource is not found in schema (please retry) or it is not a cluster scoped resource: /v1, Kind=ConfigMap"
        },
        {
            "PickFixed cluster name not a DNS subdomain",
            c => c.Spec.Policy = new PlacementPolicy { PlacementType = PlacementType.PickFixed, ClusterNames = ["Member_1"] },
            true,
            Policy + "PickFixed cluster name Member_1 is not a valid member name: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        },
        {
            "PickFixed cluster name too long",
            c => c.Spec.Policy = new PlacementPolicy { PlacementType = PlacementType.PickFixed, ClusterNames = [new string('m', 64)] },
            true,
            Policy + $"PickFixed cluster name {new string('m', 64)} cannot have length exceeding 63"
        },
        {
            "PickFixed duplicate cluster names",
            c => c.Spec.Policy = new PlacementPolicy { PlacementType = PlacementType.PickFixed, ClusterNames = ["m1", "m2", "m1"] },
            true,
            Policy + "cluster names must be unique for policy type PickFixed"
        },
        {
            "PickFixed with numberOfClusters",
            c => c.Spec.Policy = new PlacementPolicy { PlacementType = PlacementType.PickFixed, ClusterNames = ["m1"], NumberOfClusters = 1 },
            false,
            Policy + "number of clusters must be nil for policy type PickFixed, only valid for PickN placement policy type"
        },
        {
            "PickFixed with affinity",
            c => c.Spec.Policy = new PlacementPolicy { PlacementType = PlacementType.PickFixed, ClusterNames = ["m1"], Affinity = new Affinity() },
            false,
            Policy + "affinity must be nil for policy type PickFixed, only valid for PickAll/PickN placement policy types"
        },
        {
            "PickFixed with topology spread constraints",
            c => c.Spec.Policy = new PlacementPolicy { PlacementType = PlacementType.PickFixed, ClusterNames = ["m1"], TopologySpreadConstraints = [new TopologySpreadConstraint { TopologyKey = "zone" }] },
            false,
            Policy + "topology spread constraints needs to be empty for policy type PickFixed, only valid for PickN policy type"
        },
        {
            "PickFixed with tolerations",
            c => c.Spec.Policy = new PlacementPolicy { PlacementType = PlacementType.PickFixed, ClusterNames = ["m1"], Tolerations = [] },
            false,
            Policy + "tolerations needs to be empty for policy type PickFixed, only valid for PickAll/PickN"
        },
        {
            "PickAll with cluster names",
            c => c.Spec.Policy!.ClusterNames = ["m1"],
            false,
            Policy + "cluster names needs to be empty for policy type PickAll, only valid for PickFixed policy type"
        },
        {
            "PickAll with numberOfClusters",
            c => c.Spec.Policy!.NumberOfClusters = 2,
            false,
            Policy + "number of clusters must be nil for policy type PickAll, only valid for PickN placement policy type"
        },
        {
            "PickAll with topology spread constraints",
            c => c.Spec.Policy!.TopologySpreadConstraints = [new TopologySpreadConstraint { TopologyKey = "zone" }],
            false,
            Policy + "topology spread constraints needs to be empty for policy type PickAll, only valid for PickN policy type"
        },
        {
            "PickAll with preferred affinity",
            c => c.Spec.Policy!.Affinity = new Affinity
            {
                ClusterAffinity = new ClusterAffinity { PreferredDuringSchedulingIgnoredDuringExecution = [new PreferredClusterSelector { Weight = 10, Preference = LabelTerm() }] },
            },
            true,
            Policy + "PreferredDuringSchedulingIgnoredDuringExecution will be ignored for placement policy type PickAll"
        },
        {
            "PickAll required term with an invalid label selector",
            c => c.Spec.Policy!.Affinity = new Affinity
            {
                ClusterAffinity = new ClusterAffinity
                {
                    RequiredDuringSchedulingIgnoredDuringExecution = new ClusterSelector { ClusterSelectorTerms = [LabelTerm("bad key", "v")] },
                },
            },
            true,
            Policy + "the labelSelector in cluster selector &LabelSelector{MatchLabels:map[string]string{bad key: v,},MatchExpressions:[]LabelSelectorRequirement{},} is invalid: key: Invalid value: \"bad key\": " + QualifiedNameRule
        },
        {
            "PickN with cluster names",
            c => { c.Spec.Policy = PickN(); c.Spec.Policy.ClusterNames = ["m1"]; },
            false,
            Policy + "cluster names needs to be empty for policy type PickN, only valid for PickFixed policy type"
        },
        {
            "PickN without numberOfClusters",
            c => c.Spec.Policy = PickN(null),
            false,
            Policy + "number of cluster cannot be nil for policy type PickN"
        },
        {
            "PickN with a negative numberOfClusters",
            c => c.Spec.Policy = PickN(-1),
            true,
            Policy + "number of clusters cannot be -1 for policy type PickN"
        },
        {
            "PickN with an unknown whenUnsatisfiable",
            c =>
            {
                c.Spec.Policy = PickN();
                c.Spec.Policy.TopologySpreadConstraints = [new TopologySpreadConstraint { TopologyKey = "zone", WhenUnsatisfiable = "Sometimes" }];
            },
            true,
            Policy + "unknown unsatisfiable type Sometimes"
        },
        {
            "required term with a property sorter",
            c =>
            {
                c.Spec.Policy = PickN();
                c.Spec.Policy.Affinity = new Affinity
                {
                    ClusterAffinity = new ClusterAffinity
                    {
                        RequiredDuringSchedulingIgnoredDuringExecution = new ClusterSelector
                        {
                            ClusterSelectorTerms = [new ClusterSelectorTerm { PropertySorter = new PropertySorter { Name = NodeCount, SortOrder = PropertySortOrder.Ascending } }],
                        },
                    },
                };
            },
            true,
            Policy + "PropertySorter is not allowed for RequiredDuringSchedulingIgnoredDuringExecution affinity"
        },
        {
            "preferred term with a property selector",
            c => Preferred(c, new ClusterSelectorTerm { PropertySelector = new PropertySelector { MatchExpressions = [Property(NodeCount, "Ge", "1")] } }),
            true,
            Policy + "PropertySelector is not allowed for PreferredDuringSchedulingIgnoredDuringExecution affinity"
        },
        {
            "preferred term with an unknown sort order",
            c => Preferred(c, new ClusterSelectorTerm { PropertySorter = new PropertySorter { Name = NodeCount, SortOrder = "Up" } }),
            true,
            Policy + "invalid property sort order Up"
        },
        {
            "preferred term sorting by a malformed resource property",
            c => Preferred(c, new ClusterSelectorTerm { PropertySorter = new PropertySorter { Name = "resources.kubernetes-fleet.io/cpu", SortOrder = PropertySortOrder.Ascending } }),
            true,
            Policy + "invalid resource property name resources.kubernetes-fleet.io/cpu, expected format is [PREFIX]/[CAPACITY_TYPE]-[RESOURCE_NAME]"
        },
        {
            "preferred term with an invalid label selector",
            c => Preferred(c, new ClusterSelectorTerm
            {
                LabelSelector = new StructuredLabelSelector { MatchExpressions = [new StructuredLabelRequirement { Key = "env", Operator = "In" }] },
            }),
            true,
            Policy + "the labelSelector in preferred cluster selector &LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:env,Operator:In,Values:[],},},} is invalid: values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"
        },
        {
            "toleration key not a qualified name",
            c => c.Spec.Policy!.Tolerations = [new Toleration { Key = "bad key", Operator = "Equal", Value = "v", Effect = "NoSchedule" }],
            true,
            Policy + "invalid toleration key {Key:bad key Operator:Equal Value:v Effect:NoSchedule}: " + QualifiedNameRule
        },
        {
            "toleration Exists with a value",
            c => c.Spec.Policy!.Tolerations = [new Toleration { Key = "k", Operator = "Exists", Value = "v" }],
            false,
            Policy + "invalid toleration {Key:k Operator:Exists Value:v Effect:}: toleration value needs to be empty, when operator is Exists"
        },
        {
            "toleration Equal without key",
            c => c.Spec.Policy!.Tolerations = [new Toleration { Operator = "Equal" }],
            false,
            Policy + "invalid toleration {Key: Operator:Equal Value: Effect:}: toleration key cannot be empty, when operator is Equal"
        },
        {
            "toleration value not a label value",
            c => c.Spec.Policy!.Tolerations = [new Toleration { Key = "k", Operator = "Equal", Value = "bad value!" }],
            true,
            Policy + "invalid toleration value {Key:k Operator:Equal Value:bad value! Effect:}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        },
        {
            "duplicate tolerations",
            c => c.Spec.Policy!.Tolerations =
            [
                new Toleration { Key = "k", Operator = "Equal", Value = "v", Effect = "NoSchedule" },
                new Toleration { Key = "k", Operator = "Equal", Value = "v", Effect = "NoSchedule" },
            ],
            true,
            Policy + "toleration {Key:k Operator:Equal Value:v Effect:NoSchedule} already exists, tolerations must be unique"
        },
        { "unsupported strategy type", c => c.Spec.Strategy!.Type = "BlueGreen", true, Strategy + "unsupported rollout strategy type `BlueGreen`" },
        {
            "rolling update config with the External type",
            c => c.Spec.Strategy!.Type = RolloutStrategyType.External,
            true,
            Strategy + "rollingUpdateConifg is not valid for ExternalRollout strategy type"
        },
        {
            "negative unavailablePeriodSeconds",
            c => c.Spec.Strategy!.RollingUpdate!.UnavailablePeriodSeconds = -1,
            true,
            Strategy + "unavailablePeriodSeconds must be greater than or equal to 0, got -1"
        },
        {
            "maxUnavailable neither an int nor a percentage",
            c => c.Spec.Strategy!.RollingUpdate!.MaxUnavailable = "abc",
            true,
            Strategy + "maxUnavailable `abc` is invalid: invalid value for IntOrString: invalid type: string is not a percentage"
        },
        {
            "negative maxUnavailable",
            c => c.Spec.Strategy!.RollingUpdate!.MaxUnavailable = -1,
            true,
            Strategy + "maxUnavailable must be greater than or equal to 0, got `-1`"
        },
        {
            "maxSurge percentage not a number",
            c => c.Spec.Strategy!.RollingUpdate!.MaxSurge = "x%",
            true,
            Strategy + "maxSurge `x%` is invalid: invalid value for IntOrString: invalid value \"x%\": strconv.Atoi: parsing \"x\": invalid syntax"
        },
        {
            "maxSurge percentage out of range",
            c => c.Spec.Strategy!.RollingUpdate!.MaxSurge = "99999999999999999999%",
            true,
            Strategy + "maxSurge `99999999999999999999%` is invalid: invalid value for IntOrString: invalid value \"99999999999999999999%\": strconv.Atoi: parsing \"99999999999999999999\": value out of range"
        },
        {
            "negative maxSurge percentage",
            c => c.Spec.Strategy!.RollingUpdate!.MaxSurge = "-10%",
            true,
            Strategy + "maxSurge must be greater than or equal to 0, got `-10%`"
        },
        {
            "server-side apply config with client-side apply",
            c => c.Spec.Strategy!.ApplyStrategy!.ServerSideApplyConfig = new ServerSideApplyConfig { Force = true },
            true,
            Strategy + "serverSideApplyConfig is only valid for ServerSideApply strategy type"
        },
    };

    [Theory]
    [MemberData(nameof(FieldCases))]
    public void ValidateFields_BrokenRule_UpstreamMessage(string name, Action<ClusterResourcePlacement> change, bool reachesWebhook, string expected)
    {
        var crp = Crp(change);

        Assert.Equal(expected, _validator.ValidateFields(crp, clusterScoped: true));
        var result = _validator.Validate(crp, null);
        if (reachesWebhook)
        {
            Assert.Equal(DenyPrefix + expected, Denial(result));
            Assert.Equal(CrpWebhook, result.Webhook);
        }
        else
        {
            Assert.True(result.IsInvalid, $"{name}: a CEL rule should reject this first, got {result}");
        }
    }

    public static TheoryData<string, PropertySelectorRequirement[], string> PropertyCases => new()
    {
        {
            "resource property without capacity type",
            [Property("resources.kubernetes-fleet.io/cpu", "Ge", "1")],
            "invalid property name resources.kubernetes-fleet.io/cpu: invalid resource property name resources.kubernetes-fleet.io/cpu, expected format is [PREFIX]/[CAPACITY_TYPE]-[RESOURCE_NAME]"
        },
        {
            "resource property with an unknown capacity type",
            [Property("resources.kubernetes-fleet.io/used-cpu", "Ge", "1")],
            "invalid property name resources.kubernetes-fleet.io/used-cpu: invalid capacity type in resource property name resources.kubernetes-fleet.io/used-cpu, supported values are [allocatable available total]"
        },
        {
            "property name not a qualified name",
            [Property("node count", "Ge", "1")],
            "invalid property name node count: property name node count is not valid: " + QualifiedNameRule
        },
        {
            "property name with a bad segment",
            [Property("example.com/a b", "Ge", "1")],
            "invalid property name example.com/a b: property name segment a b is not valid: " + QualifiedNameRule
        },
        { "unsupported operator", [Property(NodeCount, "In", "1")], "unsupported operator In" },
        { "two values", [Property(NodeCount, "Gt", "1", "2")], "operator Gt requires exactly one value, got 2" },
        {
            "value not a quantity",
            [Property(NodeCount, "Ge", "lots")],
            "invalid values for property kubernetes-fleet.io/node-count: value \"lots\" is not a valid resource.Quantity: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        },
        {
            "value with an unknown suffix",
            [Property(NodeCount, "Ge", "1ki")],
            "invalid values for property kubernetes-fleet.io/node-count: value \"1ki\" is not a valid resource.Quantity: unable to parse quantity's suffix"
        },
        {
            "two different Eq values",
            [Property(NodeCount, "Eq", "3"), Property(NodeCount, "Eq", "4")],
            "inconsistent requirements on property kubernetes-fleet.io/node-count: conflicting Eq values 3 and 4"
        },
        {
            "Eq and Ne on the same value",
            [Property(NodeCount, "Ne", "3000m"), Property(NodeCount, "Eq", "3")],
            "inconsistent requirements on property kubernetes-fleet.io/node-count: conflicting Eq and Ne on same value 3"
        },
        {
            "strict bounds at the same value",
            [Property(NodeCount, "Gt", "5"), Property(NodeCount, "Le", "5")],
            "inconsistent requirements on property kubernetes-fleet.io/node-count: lower bound (5) and upper bound (5) exclude all values"
        },
        {
            "lower bound above upper bound",
            [Property(NodeCount, "Ge", "10"), Property(NodeCount, "Lt", "2")],
            "inconsistent requirements on property kubernetes-fleet.io/node-count: lower bound (10) and upper bound (2) exclude all values"
        },
        {
            "Eq below the lower bound",
            [Property(NodeCount, "Eq", "2"), Property(NodeCount, "Ge", "3")],
            "inconsistent requirements on property kubernetes-fleet.io/node-count: eq value 2 violates lower bound 3"
        },
        {
            "Eq at a strict upper bound",
            [Property(NodeCount, "Lt", "9"), Property(NodeCount, "Eq", "9")],
            "inconsistent requirements on property kubernetes-fleet.io/node-count: eq value 9 violates upper bound 9"
        },
    };

    [Theory]
    [MemberData(nameof(PropertyCases))]
    public void Validate_BrokenPropertyRequirement_Denied(string name, PropertySelectorRequirement[] requirements, string expected)
    {
        var result = _validator.Validate(WithProperties(requirements), null);

        Assert.True(result.IsDenied, name);
        Assert.Equal(DenyPrefix + Policy + expected, result.Denial);
    }

    [Theory]
    [InlineData("Ge", "2", "Le", "2")]
    [InlineData("Eq", "1Ki", "Eq", "1024")]
    [InlineData("Gt", "0.5", "Lt", "1")]
    [InlineData("Ne", "3", "Eq", "4")]
    public void Validate_ConsistentPropertyRequirements_Allowed(string op1, string value1, string op2, string value2)
    {
        var result = _validator.Validate(WithProperties(Property(NodeCount, op1, value1), Property(NodeCount, op2, value2)), null);

        Assert.True(result.IsAllowed, result.ToString());
    }

    [Fact]
    public void Validate_ResourcePropertyWithCapacityType_Allowed()
    {
        var result = _validator.Validate(WithProperties(Property("resources.kubernetes-fleet.io/available-cpu", "Ge", "500m")), null);

        Assert.True(result.IsAllowed, result.ToString());
    }

    [Fact]
    public void Validate_UnknownKind_StopsAtFailedGvr()
    {
        // The apply strategy is wrong too, but upstream stops at the first selector it cannot map.
        var crp = Crp(c =>
        {
            c.Spec.ResourceSelectors.Add(new ResourceSelectorTerm { Group = "example.com", Version = "v1", Kind = "Foo", Name = "x" });
            c.Spec.Strategy!.ApplyStrategy!.ServerSideApplyConfig = new ServerSideApplyConfig();
        });

        var result = _validator.Validate(crp, null);

        Assert.Equal(DenyPrefix + "failed to get GVR of the selector: no matches for kind \"Foo\" in version \"example.com/v1\"", Denial(result));
    }

    [Fact]
    public void Validate_NamespacedKindWithNamespaceWithResourceSelectors_Allowed()
    {
        var crp = Crp(c =>
        {
            c.Spec.ResourceSelectors[0].SelectionScope = SelectionScope.NamespaceWithResourceSelectors;
            c.Spec.ResourceSelectors.Add(new ResourceSelectorTerm { Version = "v1", Kind = "ConfigMap", Name = "cm" });
        });

        var result = _validator.Validate(crp, null);

        Assert.True(result.IsAllowed, result.ToString());
    }

    [Fact]
    public void Validate_ResourcePlacementSelectsClusterScopedKind_Denied()
    {
        var rp = Rp(r => r.Spec.ResourceSelectors.Add(new ResourceSelectorTerm { Group = "rbac.authorization.k8s.io", Version = "v1", Kind = "ClusterRole", Name = "r" }));

        var result = _validator.Validate(rp, null);

        Assert.Equal(
            "deny create/update v1beta1 RP has invalid fields the resource is not found in schema (please retry) or it is a cluster scoped resource: rbac.authorization.k8s.io/v1, Kind=ClusterRole",
            Denial(result));
        Assert.Equal("fleet.resourceplacementv1beta1.validating", result.Webhook);
    }

    [Fact]
    public void Validate_NoResolver_AsksToRetry()
    {
        var result = new PlacementValidator(null).Validate(Crp(), null);

        Assert.Equal(DenyPrefix + "cannot perform resource scope check for now, please retry", Denial(result));
    }

    [Fact]
    public void Validate_SeveralErrors_AggregatedInBrackets()
    {
        var crp = Crp(c =>
        {
            c.Spec.Policy = PickN(-1);
            c.Spec.Strategy!.RollingUpdate!.MaxSurge = -1;
        });

        var result = _validator.Validate(crp, null);

        Assert.Equal(
            DenyPrefix + "[" + Policy + "number of clusters cannot be -1 for policy type PickN, " + Strategy + "maxSurge must be greater than or equal to 0, got `-1`]",
            Denial(result));
    }

    [Fact]
    public void Validate_SeveralPolicyErrors_NestedAggregateKeepsItsBrackets()
    {
        var crp = Crp(c => c.Spec.Policy = new PlacementPolicy { PlacementType = PlacementType.PickFixed, ClusterNames = ["Bad_1", "Bad_1"] });

        var result = _validator.Validate(crp, null);

        var denial = Denial(result);
        Assert.StartsWith(DenyPrefix + Policy + "[PickFixed cluster name Bad_1 is not a valid member name: ", denial, StringComparison.Ordinal);
        Assert.EndsWith(", cluster names must be unique for policy type PickFixed]", denial, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ValidCreate_AllowedWithUpstreamMessage()
    {
        var crpResult = _validator.Validate(Crp(), null);
        var rpResult = _validator.Validate(Rp(), null);

        Assert.True(crpResult.IsAllowed);
        Assert.Equal("any user is allowed to modify v1beta1 CRP", crpResult.Message);
        Assert.True(rpResult.IsAllowed);
        Assert.Equal("any user is allowed to modify v1beta1 RP", rpResult.Message);
    }

    [Fact]
    public void Validate_UpdateOfInvalidObjectBeingDeleted_Allowed()
    {
        var old = Crp(c => c.Spec.Strategy!.RollingUpdate!.MaxSurge = -1);
        var updated = Crp(c =>
        {
            c.Spec.Strategy!.RollingUpdate!.MaxSurge = -1;
            c.Metadata.DeletionTimestamp = DateTimeOffset.UnixEpoch;
            c.Metadata.Finalizers = [];
        });

        var result = _validator.Validate(updated, old);

        Assert.True(result.IsAllowed);
        Assert.Equal("allow update on old invalid v1beta1 CRP with DeletionTimestamp set", result.Message);
    }

    [Fact]
    public void Validate_UpdateOfInvalidObjectNotBeingDeleted_Denied()
    {
        var old = Crp(c => c.Spec.Strategy!.RollingUpdate!.MaxSurge = -1);
        var updated = Crp(c => c.Spec.Strategy!.RollingUpdate!.MaxSurge = 1);

        var result = _validator.Validate(updated, old);

        Assert.Equal(
            "deny update on old invalid v1beta1 CRP with DeletionTimestamp not set " + Strategy + "maxSurge must be greater than or equal to 0, got `-1`",
            Denial(result));
    }

    [Fact]
    public void Validate_UnsetPolicyBecomesPickN_PlacementTypeImmutable()
    {
        // No CEL transition rule runs (there is no old policy), so the webhook catches it: unset counts as PickAll.
        var old = Crp(c => c.Spec.Policy = null);
        var updated = Crp(c => c.Spec.Policy = PickN());

        Assert.Equal("placement type is immutable", Denial(_validator.Validate(updated, old)));
    }

    [Fact]
    public void Validate_UnsetPolicyBecomesPickAll_Allowed()
    {
        var result = _validator.Validate(Crp(), Crp(c => c.Spec.Policy = null));

        Assert.True(result.IsAllowed, result.ToString());
    }

    [Theory]
    [InlineData("modified")]
    [InlineData("removed")]
    public void Validate_ExistingTolerationChanged_Denied(string how)
    {
        var old = Crp(c => c.Spec.Policy!.Tolerations = [new Toleration { Key = "k", Operator = "Equal", Value = "v" }]);
        var updated = Crp(c => c.Spec.Policy!.Tolerations = how == "removed" ? [] : [new Toleration { Key = "k", Operator = "Equal", Value = "w" }]);

        Assert.Equal("tolerations have been updated/deleted, only additions to tolerations are allowed", Denial(_validator.Validate(updated, old)));
    }

    [Fact]
    public void Validate_TolerationAdded_Allowed()
    {
        var old = Crp(c => c.Spec.Policy!.Tolerations = [new Toleration { Key = "k", Operator = "Equal", Value = "v" }]);
        var updated = Crp(c => c.Spec.Policy!.Tolerations =
        [
            new Toleration { Key = "k", Operator = "Equal", Value = "v" },
            new Toleration { Key = "other", Operator = "Exists" },
        ]);

        Assert.True(_validator.Validate(updated, old).IsAllowed);
    }

    [Fact]
    public void ToException_Denial_Is403WithWebhookPrefix()
    {
        var result = _validator.Validate(Crp(c => c.Metadata.Name = new string('a', 64)), null);

        var exception = result.ToException("ClusterResourcePlacement", PlacementApi.Group, new string('a', 64));

        Assert.NotNull(exception);
        Assert.Equal(403, exception.Code);
        Assert.Equal("Forbidden", exception.Reason);
        Assert.Equal(
            "admission webhook \"fleet.clusterresourceplacementv1beta1.validating\" denied the request: " + DenyPrefix + "the name field cannot have length exceeding 63",
            exception.Message);
    }

    private static void Preferred(ClusterResourcePlacement crp, ClusterSelectorTerm term)
    {
        crp.Spec.Policy = PickN();
        crp.Spec.Policy.Affinity = new Affinity
        {
            ClusterAffinity = new ClusterAffinity { PreferredDuringSchedulingIgnoredDuringExecution = [new PreferredClusterSelector { Weight = 5, Preference = term }] },
        };
    }
}
