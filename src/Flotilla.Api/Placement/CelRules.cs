namespace Flotilla.Api.Placement;

/// <summary>
/// The CEL rules declared on the placement types and their messages, in one place: the attributes (and so the
/// generated CRDs, which real API servers evaluate) and the admission code (which evaluates the same rules for
/// Flotilla's own API server) both read them, so the two cannot drift apart.
/// </summary>
internal static class CelRules
{
    // ClusterResourcePlacement / ResourcePlacement spec.
    public const string PolicyNotRemovable = "!(has(oldSelf.policy) && !has(self.policy))";
    public const string PolicyNotRemovableMessage = "policy cannot be removed once set";

    public const string NamespaceAccessibleNeedsOneNamespace =
        "!(self.statusReportingScope == 'NamespaceAccessible' && size(self.resourceSelectors.filter(x, x.kind == 'Namespace')) != 1)";
    public const string NamespaceAccessibleNeedsOneNamespaceMessage =
        "when statusReportingScope is NamespaceAccessible, exactly one resourceSelector with kind 'Namespace' is required";

    public const string StatusReportingScopeImmutable =
        "!has(oldSelf.statusReportingScope) || self.statusReportingScope == oldSelf.statusReportingScope";
    public const string StatusReportingScopeImmutableMessage = "statusReportingScope is immutable";

    private const string IsNamespaceSelector = "x.group == '' && x.version == 'v1' && x.kind == 'Namespace'";
    private const string IsNamespaceWithResourceSelectors =
        IsNamespaceSelector + " && has(x.selectionScope) && x.selectionScope == 'NamespaceWithResourceSelectors'";

    public const string OneNamespaceWithResourceSelectors =
        "size(self.resourceSelectors.filter(x, " + IsNamespaceWithResourceSelectors + ")) <= 1";
    public const string OneNamespaceWithResourceSelectorsMessage =
        "only one namespace selector with NamespaceWithResourceSelectors mode is allowed";

    public const string NamespaceWithResourceSelectorsByName =
        "self.resourceSelectors.all(x, !(" + IsNamespaceWithResourceSelectors + ") || (has(x.name) && size(x.name) > 0 && !has(x.labelSelector)))";
    public const string NamespaceWithResourceSelectorsByNameMessage =
        "namespace selector with NamespaceWithResourceSelectors mode must select by name (not by label)";

    public const string NamespaceWithResourceSelectorsAlone =
        "!self.resourceSelectors.exists(x, " + IsNamespaceWithResourceSelectors + ") || size(self.resourceSelectors.filter(x, " + IsNamespaceSelector + ")) == 1";
    public const string NamespaceWithResourceSelectorsAloneMessage =
        "when using NamespaceWithResourceSelectors mode, only one namespace selector is allowed (cannot mix with other namespace selectors)";

    public const string NameXorLabelSelector = "self.all(x, !(has(x.name) && size(x.name) > 0 && has(x.labelSelector)))";
    public const string NameXorLabelSelectorMessage = "name and labelSelector are mutually exclusive in a resource selector";

    // Placement policy.
    public const string PlacementTypeImmutable = "!(self.placementType != oldSelf.placementType)";
    public const string PlacementTypeImmutableMessage = "placement type is immutable";

    public const string PickFixedFields =
        "!(self.placementType == 'PickFixed' && (has(self.affinity) || has(self.numberOfClusters) || has(self.topologySpreadConstraints) || has(self.tolerations)))";
    public const string PickFixedFieldsMessage =
        "affinity, numberOfClusters, topologySpreadConstraints, and tolerations cannot be set when placementType is PickFixed";

    public const string PickAllFields =
        "!(self.placementType == 'PickAll' && (has(self.clusterNames) || has(self.numberOfClusters) || has(self.topologySpreadConstraints)))";
    public const string PickAllFieldsMessage =
        "clusterNames, numberOfClusters, and topologySpreadConstraints cannot be set when placementType is PickAll";

    public const string PickNFields = "!(self.placementType == 'PickN' && (has(self.clusterNames) || !has(self.numberOfClusters)))";
    public const string PickNFieldsMessage = "clusterNames cannot be set and numberOfClusters must be set when placementType is PickN";

    // Tolerations.
    public const string ExistsHasNoValue = "!has(self.operator) || self.operator != 'Exists' || !has(self.value) || size(self.value) == 0";
    public const string ExistsHasNoValueMessage = "value must be empty when operator is Exists";

    public const string EmptyKeyNeedsExists = "(has(self.key) && size(self.key) > 0) || (has(self.operator) && self.operator == 'Exists')";
    public const string EmptyKeyNeedsExistsMessage = "operator must be Exists when key is empty";

    // Rollout strategy.
    public const string ExternalIsFinal =
        "!has(oldSelf.type) || oldSelf.type != 'External' || (has(self.type) && self.type == 'External')";
    public const string ExternalIsFinalMessage = "cannot change rollout strategy type from 'External' to other types";

    public const string MirrorNeedsDestination = "!(self.type == 'Mirror' && !has(self.destination))";
    public const string MirrorNeedsDestinationMessage = "when reportBackStrategy.type is 'Mirror', a destination must be specified";

    // Overrides.
    public const string OverridePlacementImmutable =
        "(has(oldSelf.placement) && has(self.placement) && oldSelf.placement == self.placement) || (!has(oldSelf.placement) && !has(self.placement))";
    public const string OverridePlacementImmutableMessage = "The placement field is immutable";

    public const string ClusterOverridePlacementNotNamespaced = "!has(self.scope) || self.scope != 'Namespaced'";
    public const string ClusterOverridePlacementNotNamespacedMessage = "clusterResourceOverride placement reference cannot be Namespaced scope";

    // Eviction and disruption budget.
    public const string Immutable = "self == oldSelf";
    public const string EvictionPlacementNameImmutableMessage = "The PlacementName field is immutable";
    public const string EvictionClusterNameImmutableMessage = "The ClusterName field is immutable";

    public const string BudgetNotBoth = "!(has(self.maxUnavailable) && has(self.minAvailable))";
    public const string BudgetNotBothMessage = "Both MaxUnavailable and MinAvailable cannot be specified";

    public const string BudgetValue = "type(self) == string ? self.matches('^(100|[0-9]{1,2})%$') : self >= 0";
    public const string BudgetValueMessage =
        "If supplied value is String should match regex '^(100|[0-9]{1,2})%$' or If supplied value is Integer must be greater than or equal to 0";

    // Staged updates.
    public const string NameLength = "size(self.metadata.name) < 64";
    public const string NameLengthMessage = "metadata.name max length is 63";

    public const string InitializeToStop = "!(has(oldSelf.state) && oldSelf.state == 'Initialize' && self.state == 'Stop')";
    public const string InitializeToStopMessage = "invalid state transition: cannot transition from Initialize to Stop";

    public const string RunToInitialize = "!(has(oldSelf.state) && oldSelf.state == 'Run' && self.state == 'Initialize')";
    public const string RunToInitializeMessage = "invalid state transition: cannot transition from Run to Initialize";

    public const string StopToInitialize = "!(has(oldSelf.state) && oldSelf.state == 'Stop' && self.state == 'Initialize')";
    public const string StopToInitializeMessage = "invalid state transition: cannot transition from Stop to Initialize";

    public const string PlacementNameImmutableMessage = "placementName is immutable";
    public const string ResourceSnapshotIndexImmutableMessage = "resourceSnapshotIndex is immutable";
    public const string StrategyNameImmutableMessage = "stagedRolloutStrategyName is immutable";

    public const string MaxConcurrencyAtLeastOne = "self == null || type(self) != int || self >= 1";
    public const string MaxConcurrencyAtLeastOneMessage = "maxConcurrency must be at least 1";

    public const string ApprovalHasNoWaitTime = "!self.exists(e, e.type == 'Approval' && has(e.waitTime))";
    public const string ApprovalHasNoWaitTimeMessage = "AfterStageTaskType is Approval, waitTime is not allowed";

    public const string TimedWaitNeedsWaitTime = "!self.exists(e, e.type == 'TimedWait' && !has(e.waitTime))";
    public const string TimedWaitNeedsWaitTimeMessage = "AfterStageTaskType is TimedWait, waitTime is required";

    public const string NoTimedWaitBefore = "!self.exists(e, e.type == 'TimedWait')";
    public const string NoTimedWaitBeforeMessage = "BeforeStageTaskType cannot be TimedWait";

    public const string WaitTimeNotNegative = "!has(self.waitTime) || duration(self.waitTime) >= duration('0s')";
    public const string WaitTimeNotNegativeMessage = "waitTime must be a non-negative duration";

    public const string ApprovalSpecImmutableMessage = "The spec field is immutable";
}
