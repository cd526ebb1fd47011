using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Flotilla.Api.Placement;

namespace Flotilla.Api.Tests.Placement;

/// <summary>
/// Every field of the placement kinds survives JSON → typed model → JSON: the samples set every field the types
/// declare (upstream names, int-or-string kinds, raw embedded objects), so a missing or misnamed property shows up as
/// a difference.
/// </summary>
public sealed class PlacementJsonRoundTripTests
{
    private const string Condition =
        """{"type":"Applied","status":"True","observedGeneration":3,"lastTransitionTime":"2023-11-10T08:23:43Z","reason":"AllWorkHaveBeenApplied","message":"All corresponding work objects are applied"}""";

    private const string Identifier = """ "group":"apps","version":"v1","kind":"Deployment","name":"web","namespace":"test","envelope":{"name":"env","namespace":"test","type":"ResourceEnvelope"} """;

    private const string ApplyStrategy =
        """{"comparisonOption":"FullComparison","whenToApply":"IfNotDrifted","type":"ServerSideApply","allowCoOwnership":true,"serverSideApplyConfig":{"force":true},"whenToTakeOver":"IfNoDiff"}""";

    private const string Drifted = "{" + Identifier +
        """, "observationTime":"2023-11-10T08:30:00Z","targetClusterObservedGeneration":2,"firstDriftedObservedTime":"2023-11-10T08:25:00Z","observedDrifts":[{"path":"/spec/replicas","valueInMember":"3","valueInHub":"2"}]}""";

    private const string Diffed = "{" + Identifier +
        """, "observationTime":"2023-11-10T08:30:00Z","targetClusterObservedGeneration":1,"firstDiffedObservedTime":"2023-11-10T08:25:00Z","observedDiffs":[{"path":"/data/a","valueInMember":"x"}]}""";

    private const string Failed = "{" + Identifier + ",\"condition\":" + Condition + "}";

    /// <summary>A full ClusterResourcePlacement, shaped like the seed's examples (placement spec §1.3, §7.1).</summary>
    public const string FullCrp = """
        {
          "apiVersion": "placement.kubernetes-fleet.io/v1beta1",
          "kind": "ClusterResourcePlacement",
          "metadata": {
            "name": "crp-1", "uid": "6d0b1c3e-0000-4000-8000-000000000001", "resourceVersion": "42", "generation": 5,
            "creationTimestamp": "2023-11-10T08:14:52Z",
            "labels": {"team": "platform"}, "annotations": {"note": "seed"},
            "finalizers": ["kubernetes-fleet.io/crp-cleanup", "kubernetes-fleet.io/scheduler-cleanup"]
          },
          "spec": {
            "resourceSelectors": [
              {"group": "", "version": "v1", "kind": "Namespace", "name": "prod-deployment", "selectionScope": "NamespaceWithResources"},
              {"group": "rbac.authorization.k8s.io", "version": "v1", "kind": "ClusterRole",
               "labelSelector": {"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]}}
            ],
            "policy": {
              "placementType": "PickN",
              "numberOfClusters": 3,
              "affinity": {
                "clusterAffinity": {
                  "requiredDuringSchedulingIgnoredDuringExecution": {
                    "clusterSelectorTerms": [{
                      "labelSelector": {"matchLabels": {"critical-allowed": "true"}},
                      "propertySelector": {"matchExpressions": [{"name": "kubernetes-fleet.io/node-count", "operator": "Ge", "values": ["3"]}]}
                    }]
                  },
                  "preferredDuringSchedulingIgnoredDuringExecution": [{
                    "weight": 20,
                    "preference": {
                      "labelSelector": {"matchLabels": {"critical-level": "1"}},
                      "propertySorter": {"name": "resources.kubernetes-fleet.io/available-cpu", "sortOrder": "Descending"}
                    }
                  }]
                }
              },
              "topologySpreadConstraints": [
                {"maxSkew": 2, "topologyKey": "region", "whenUnsatisfiable": "DoNotSchedule"},
                {"maxSkew": 2, "topologyKey": "updateDay", "whenUnsatisfiable": "ScheduleAnyway"}
              ],
              "tolerations": [{"key": "gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}, {"operator": "Exists"}]
            },
            "strategy": {
              "type": "RollingUpdate",
              "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": 1, "unavailablePeriodSeconds": 60},
              "applyStrategy": {"comparisonOption": "PartialComparison", "whenToApply": "Always", "type": "ClientSideApply", "allowCoOwnership": false, "whenToTakeOver": "Always"},
              "deleteStrategy": {"propagationPolicy": "Delete"},
              "reportBackStrategy": {"type": "Mirror", "destination": "WorkAPI"}
            },
            "revisionHistoryLimit": 10,
            "statusReportingScope": "ClusterScopeOnly"
          },
          "status": {
            "selectedResources": [
              {"version": "v1", "kind": "Namespace", "name": "prod-deployment"},
              {"group": "", "version": "v1", "kind": "ConfigMap", "name": "test-1", "namespace": "prod-deployment", "envelope": {"name": "env", "type": "ClusterResourceEnvelope"}}
            ],
            "observedResourceIndex": "0",
            "placementStatuses": [
              {
                "clusterName": "aks-member-1",
                "observedResourceIndex": "0",
                "applicableResourceOverrides": [{"name": "ro-1-0", "namespace": "prod-deployment"}],
                "applicableClusterResourceOverrides": ["cro-1-0"],
                "failedPlacements": [FAILED],
                "driftedPlacements": [DRIFTED],
                "diffedPlacements": [DIFFED],
                "conditions": [
                  {"type": "Scheduled", "status": "True", "observedGeneration": 5, "lastTransitionTime": "2023-11-10T08:14:52Z", "reason": "Scheduled",
                   "message": "Successfully scheduled resources for placement in \"aks-member-1\" (affinity score: 0, topology spread score: 0): picked by scheduling policy"}
                ]
              },
              {
                "conditions": [
                  {"type": "Scheduled", "status": "False", "observedGeneration": 5, "lastTransitionTime": "2023-11-10T08:14:52Z", "reason": "ScheduleFailed", "message": "ClusterUnschedulable, cluster has left the fleet"}
                ]
              }
            ],
            "conditions": [
              {"type": "ClusterResourcePlacementScheduled", "status": "False", "observedGeneration": 5, "lastTransitionTime": "2023-11-10T08:14:52Z",
               "reason": "SchedulingPolicyUnfulfilled", "message": "could not find all clusters needed as specified by the scheduling policy, found 1 cluster(s) instead"}
            ]
          }
        }
        """;

    public static TheoryData<string> Kinds => [.. Samples.Keys];

    private static readonly Dictionary<string, (string Json, JsonTypeInfo Type)> Samples = new()
    {
        ["ClusterResourcePlacement"] = (Expand(FullCrp), PlacementJsonContext.Default.ClusterResourcePlacement),
        ["ResourcePlacement"] = ("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ResourcePlacement","metadata":{"name":"rp","namespace":"app"},
             "spec":{"resourceSelectors":[{"group":"apps","version":"v1","kind":"Deployment","name":"web"}],
                     "policy":{"placementType":"PickFixed","clusterNames":["m1","m2"]},
                     "strategy":{"type":"External","applyStrategy":{"type":"ReportDiff","allowCoOwnership":false}}},
             "status":{"observedResourceIndex":"2","conditions":[COND]}}
            """, PlacementJsonContext.Default.ResourcePlacement),
        ["ClusterResourcePlacementStatus"] = ("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ClusterResourcePlacementStatus","metadata":{"name":"crp-1","namespace":"prod"},
             "sourceStatus":{"observedResourceIndex":"0","selectedResources":[{"version":"v1","kind":"Namespace","name":"prod"}],"conditions":[COND]},
             "lastUpdatedTime":"2023-11-10T08:30:00Z"}
            """, PlacementJsonContext.Default.ClusterResourcePlacementStatus),
        ["ClusterSchedulingPolicySnapshot"] = ("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ClusterSchedulingPolicySnapshot",
             "metadata":{"name":"crp-1-0","labels":{"kubernetes-fleet.io/parent-CRP":"crp-1","kubernetes-fleet.io/is-latest-snapshot":"true","kubernetes-fleet.io/policy-index":"0"},
                         "annotations":{"kubernetes-fleet.io/CRP-generation":"5","kubernetes-fleet.io/number-of-clusters":"3"},
                         "ownerReferences":[{"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ClusterResourcePlacement","name":"crp-1","uid":"u1","controller":true,"blockOwnerDeletion":true}]},
             "spec":{"policy":{"placementType":"PickN","numberOfClusters":3},"policyHash":"YWJjZGVm"},
             "status":{"observedCRPGeneration":5,"conditions":[COND],
                       "targetClusters":[{"clusterName":"m1","selected":true,"clusterScore":{"affinityScore":10,"priorityScore":-1},"reason":"picked"},
                                         {"clusterName":"m2","selected":false,"reason":"ClusterUnschedulable, cluster has left the fleet"}]}}
            """, PlacementJsonContext.Default.ClusterSchedulingPolicySnapshot),
        ["SchedulingPolicySnapshot"] = ("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"SchedulingPolicySnapshot","metadata":{"name":"rp-0","namespace":"app"},
             "spec":{"policyHash":"YWJj"},"status":{"observedCRPGeneration":1}}
            """, PlacementJsonContext.Default.SchedulingPolicySnapshot),
        ["ClusterResourceSnapshot"] = ("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ClusterResourceSnapshot",
             "metadata":{"name":"crp-1-0-snapshot","annotations":{"kubernetes-fleet.io/resource-hash":"abc","kubernetes-fleet.io/number-of-resource-snapshots":"1"}},
             "spec":{"selectedResources":[{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"prod","labels":{"a":"b"}}},
                                          {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"prod"},"data":{"k":"v","n":"1"},"unknownField":[1,{"x":null}]}]},
             "status":{"conditions":[COND]}}
            """, PlacementJsonContext.Default.ClusterResourceSnapshot),
        ["ResourceSnapshot"] = ("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ResourceSnapshot","metadata":{"name":"rp-0-snapshot","namespace":"app"},
             "spec":{"selectedResources":[]}}
            """, PlacementJsonContext.Default.ResourceSnapshot),
        ["ClusterResourceBinding"] = ("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ClusterResourceBinding","metadata":{"name":"crp-1-m1-abcdef12","annotations":{"kubernetes-fleet.io/previous-binding-state":"Bound"}},
             "spec":{"state":"Bound","resourceSnapshotName":"crp-1-0-snapshot","resourceOverrideSnapshots":[{"name":"ro-0","namespace":"app"}],
                     "clusterResourceOverrideSnapshots":["cro-0"],"schedulingPolicySnapshotName":"crp-1-0","targetCluster":"m1",
                     "clusterDecision":{"clusterName":"m1","selected":true,"clusterScore":{"affinityScore":0,"priorityScore":0},"reason":"picked"},
                     "applyStrategy":APPLY},
             "status":{"failedPlacements":[FAILED],"driftedPlacements":[DRIFTED],"diffedPlacements":[DIFFED],"conditions":[COND]}}
            """, PlacementJsonContext.Default.ClusterResourceBinding),
        ["ResourceBinding"] = ("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ResourceBinding","metadata":{"name":"rp-m1-1","namespace":"app"},
             "spec":{"state":"Scheduled","schedulingPolicySnapshotName":"rp-0","targetCluster":"m1"}}
            """, PlacementJsonContext.Default.ResourceBinding),
        ["Work"] = ("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"Work","metadata":{"name":"crp-1-work","namespace":"fleet-member-m1"},
             "spec":{"workload":{"manifests":[{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"app"},"spec":{"replicas":2}}]},
                     "applyStrategy":APPLY,"deleteStrategy":{"propagationPolicy":"Abandon"},"reportBackStrategy":{"type":"Mirror","destination":"WorkAPI"}},
             "status":{"conditions":[COND],
                       "manifestConditions":[{"identifier":{"ordinal":0,"group":"apps","version":"v1","kind":"Deployment","resource":"deployments","namespace":"app","name":"web"},
                                              "conditions":[COND],
                                              "driftDetails":{"observationTime":"2023-11-10T08:30:00Z","observedInMemberClusterGeneration":4,"firstDriftedObservedTime":"2023-11-10T08:25:00Z","observedDrifts":[{"path":"/spec/replicas","valueInMember":"3","valueInHub":"2"}]},
                                              "diffDetails":{"observationTime":"2023-11-10T08:30:00Z","observedInMemberClusterGeneration":4,"firstDiffedObservedTime":"2023-11-10T08:25:00Z","observedDiffs":[{"path":"/","valueInHub":"(the whole object)"}]},
                                              "backReportedStatus":{"observedStatus":{"apiVersion":"apps/v1","kind":"Deployment","status":{"readyReplicas":2}},"observationTime":"2023-11-10T08:30:00Z"}}]}}
            """, PlacementJsonContext.Default.Work),
        ["AppliedWork"] = ("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"AppliedWork","metadata":{"name":"crp-1-work"},
             "spec":{"workName":"crp-1-work","workNamespace":"fleet-member-m1"},
             "status":{"appliedResources":[{"ordinal":0,"group":"apps","version":"v1","kind":"Deployment","resource":"deployments","namespace":"app","name":"web","uid":"u2"}]}}
            """, PlacementJsonContext.Default.AppliedWork),
        ["ClusterResourceOverride"] = ("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ClusterResourceOverride","metadata":{"name":"cro"},
             "spec":{"placement":{"name":"crp-1","scope":"Cluster"},
                     "clusterResourceSelectors":[{"group":"rbac.authorization.k8s.io","version":"v1","kind":"ClusterRole","name":"reader"}],
                     "policy":{"overrideRules":[{"clusterSelector":{"clusterSelectorTerms":[{"labelSelector":{"matchLabels":{"env":"prod"}}}]},"overrideType":"JSONPatch",
                                                 "jsonPatchOverrides":[{"op":"add","path":"/metadata/labels/cluster","value":"${MEMBER-CLUSTER-NAME}"},
                                                                       {"op":"replace","path":"/rules/0","value":{"verbs":["get"],"n":1.5,"b":false,"z":null}},
                                                                       {"op":"remove","path":"/metadata/annotations/a"}]},
                                                {"clusterSelector":{"clusterSelectorTerms":[]},"overrideType":"Delete"}]}}}
            """, PlacementJsonContext.Default.ClusterResourceOverride),
        ["ClusterResourceOverrideSnapshot"] = ("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ClusterResourceOverrideSnapshot","metadata":{"name":"cro-0"},
             "spec":{"overrideSpec":{"clusterResourceSelectors":[{"group":"","version":"v1","kind":"Namespace","name":"app"}],
                                     "policy":{"overrideRules":[{"overrideType":"Delete"}]}},"overrideHash":"YWJj"}}
            """, PlacementJsonContext.Default.ClusterResourceOverrideSnapshot),
        ["ResourceOverride"] = ("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ResourceOverride","metadata":{"name":"ro","namespace":"app"},
             "spec":{"placement":{"name":"rp","scope":"Namespaced"},"resourceSelectors":[{"group":"apps","version":"v1","kind":"Deployment","name":"web"}],
                     "policy":{"overrideRules":[{"jsonPatchOverrides":[{"op":"replace","path":"/spec/replicas","value":3}]}]}}}
            """, PlacementJsonContext.Default.ResourceOverride),
        ["ResourceOverrideSnapshot"] = ("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ResourceOverrideSnapshot","metadata":{"name":"ro-0","namespace":"app"},
             "spec":{"overrideSpec":{"resourceSelectors":[{"group":"","version":"v1","kind":"ConfigMap","name":"c"}],
                                     "policy":{"overrideRules":[{"overrideType":"Delete"}]}},"overrideHash":"YWJj"}}
            """, PlacementJsonContext.Default.ResourceOverrideSnapshot),
        ["ClusterResourcePlacementEviction"] = ("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ClusterResourcePlacementEviction","metadata":{"name":"e"},
             "spec":{"placementName":"crp-1","clusterName":"m1"},"status":{"conditions":[COND]}}
            """, PlacementJsonContext.Default.ClusterResourcePlacementEviction),
        ["ClusterResourcePlacementDisruptionBudget"] = ("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ClusterResourcePlacementDisruptionBudget","metadata":{"name":"crp-1"},
             "spec":{"minAvailable":"50%"}}
            """, PlacementJsonContext.Default.ClusterResourcePlacementDisruptionBudget),
        ["ClusterStagedUpdateRun"] = ("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ClusterStagedUpdateRun","metadata":{"name":"run"},
             "spec":{"placementName":"crp-1","resourceSnapshotIndex":"1","stagedRolloutStrategyName":"strategy","state":"Run"},
             "status":{"policySnapshotIndexUsed":"0","policyObservedClusterCount":3,"resourceSnapshotIndexUsed":"1","appliedStrategy":APPLY,
                       "stagedUpdateStrategySnapshot":{"stages":[{"name":"canary","labelSelector":{"matchLabels":{"env":"canary"}},"sortingLabelKey":"order","maxConcurrency":"50%",
                                                                  "afterStageTasks":[{"type":"TimedWait","waitTime":"1h"},{"type":"Approval"}],"beforeStageTasks":[{"type":"Approval"}]}]},
                       "stagesStatus":[{"stageName":"canary","clusters":[{"clusterName":"m1","resourceOverrideSnapshots":[{"name":"ro-0","namespace":"app"}],"clusterResourceOverrideSnapshots":["cro-0"],"conditions":[COND]}],
                                        "afterStageTaskStatus":[{"type":"Approval","approvalRequestName":"run-after-canary","conditions":[COND]}],
                                        "beforeStageTaskStatus":[{"type":"Approval","approvalRequestName":"run-before-canary","conditions":[COND]}],
                                        "startTime":"2023-11-10T08:30:00Z","endTime":"2023-11-10T09:30:00Z","conditions":[COND]}],
                       "deletionStageStatus":{"stageName":"kubernetes-fleet.io/deleteStage","clusters":[]},
                       "conditions":[COND]}}
            """, PlacementJsonContext.Default.ClusterStagedUpdateRun),
        ["StagedUpdateRun"] = ("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"StagedUpdateRun","metadata":{"name":"run","namespace":"app"},
             "spec":{"placementName":"rp","stagedRolloutStrategyName":"s"}}
            """, PlacementJsonContext.Default.StagedUpdateRun),
        ["ClusterStagedUpdateStrategy"] = ("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ClusterStagedUpdateStrategy","metadata":{"name":"s"},
             "spec":{"stages":[{"name":"canary","maxConcurrency":2},{"name":"prod"}]}}
            """, PlacementJsonContext.Default.ClusterStagedUpdateStrategy),
        ["StagedUpdateStrategy"] = ("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"StagedUpdateStrategy","metadata":{"name":"s","namespace":"app"},
             "spec":{"stages":[]}}
            """, PlacementJsonContext.Default.StagedUpdateStrategy),
        ["ClusterApprovalRequest"] = ("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ClusterApprovalRequest","metadata":{"name":"run-after-canary"},
             "spec":{"parentStageRollout":"run","targetStage":"canary"},"status":{"conditions":[COND]}}
            """, PlacementJsonContext.Default.ClusterApprovalRequest),
        ["ApprovalRequest"] = ("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ApprovalRequest","metadata":{"name":"run-before-canary","namespace":"app"},
             "spec":{"parentStageRollout":"run","targetStage":"canary"}}
            """, PlacementJsonContext.Default.ApprovalRequest),
        ["ClusterResourceEnvelope"] = ("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ClusterResourceEnvelope","metadata":{"name":"env"},
             "data":{"webhook.yaml":{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"w"},"webhooks":[]}}}
            """, PlacementJsonContext.Default.ClusterResourceEnvelope),
        ["ResourceEnvelope"] = ("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ResourceEnvelope","metadata":{"name":"env","namespace":"app"},
             "data":{"quota.yaml":{"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"q","namespace":"app"},"spec":{"hard":{"cpu":"1"}}},
                     "cm.yaml":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"app"}}}}
            """, PlacementJsonContext.Default.ResourceEnvelope),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Deserialize_ThenSerialize_NoFieldLost(string kind)
    {
        var (json, type) = Samples[kind];
        var original = JsonNode.Parse(Expand(json))!;

        var model = JsonSerializer.Deserialize(original.ToJsonString(), type);
        var written = JsonNode.Parse(JsonSerializer.Serialize(model, type))!;

        Assert.Equal(Canonical(original), Canonical(written));
    }

    [Fact]
    public void Deserialize_FullCrp_TypedFieldsAsWritten()
    {
        var crp = JsonSerializer.Deserialize(Expand(FullCrp), PlacementJsonContext.Default.ClusterResourcePlacement)!;

        Assert.Equal("crp-1", crp.Metadata.Name);
        Assert.Equal("", crp.Spec.ResourceSelectors[0].Group);
        Assert.Equal(PlacementType.PickN, crp.Spec.Policy!.PlacementType);
        Assert.Equal(3, crp.Spec.Policy.NumberOfClusters);
        Assert.Equal("25%", crp.Spec.Strategy!.RollingUpdate!.MaxUnavailable!.Value.StringValue);
        Assert.Equal(1, crp.Spec.Strategy.RollingUpdate.MaxSurge!.Value.IntValue);
        Assert.Equal(ReportBackDestination.WorkApi, crp.Spec.Strategy.ReportBackStrategy!.Destination);
        var cluster = crp.Status!.PlacementStatuses![0];
        Assert.Equal(new DateTimeOffset(2023, 11, 10, 8, 25, 0, TimeSpan.Zero), cluster.DriftedPlacements![0].FirstDriftedObservedTime);
        Assert.Equal("ResourceEnvelope", cluster.FailedPlacements![0].Envelope!.Type);
        Assert.Equal(new[] { "ClusterResourcePlacementScheduled" }, ConditionsOf(crp));
    }

    [Fact]
    public void Serialize_TopologyScore_UsesUpstreamWireName()
    {
        var score = new ClusterSchedulingPolicySnapshot
        {
            Spec = new SchedulingPolicySnapshotSpec { PolicyHash = "" },
            Status = new SchedulingPolicySnapshotStatus { TargetClusters = [new ClusterDecision { ClusterName = "m1", ClusterScore = new ClusterScore { TopologySpreadScore = -1 } }] },
        };

        var json = JsonSerializer.Serialize(score, PlacementJsonContext.Default.ClusterSchedulingPolicySnapshot);

        Assert.Contains("\"clusterScore\":{\"priorityScore\":-1}", json, StringComparison.Ordinal);
    }

    private static IEnumerable<string> ConditionsOf(ClusterResourcePlacement crp) => crp.Status!.Conditions!.Select(c => c.Type);

    private static string Expand(string json) => json
        .Replace("FAILED", Failed, StringComparison.Ordinal)
        .Replace("DRIFTED", Drifted, StringComparison.Ordinal)
        .Replace("DIFFED", Diffed, StringComparison.Ordinal)
        .Replace("COND", Condition, StringComparison.Ordinal)
        .Replace("APPLY", ApplyStrategy, StringComparison.Ordinal);

    // Compact JSON with object keys sorted, so property order does not matter but everything else does.
    private static string Canonical(JsonNode? node) => Sort(node)?.ToJsonString() ?? "null";

    private static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sort(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Sort)]),
        null => null,
        _ => node.DeepClone(),
    };
}
