using System.Text.Json.Nodes;
using Flotilla.ApiServer.Printing;
using static Flotilla.ApiServer.Tests.Printing.TableBuilderTests;

namespace Flotilla.ApiServer.Tests.Printing;

public sealed class BuiltInPrintersTests
{
    // Created 5m12s before TableBuilderTests.Now.
    private const string Created = "\"creationTimestamp\":\"2025-01-01T11:54:48Z\"";

    private static JsonNode Cells(string group, string kind, string objectJson)
    {
        var table = TableBuilder.Build(BuiltIn(group, kind, kind.ToLowerInvariant() + "s"), [Parse(objectJson)], Now, IncludeObject.None);
        var row = Assert.Single(table["rows"]!.AsArray());
        Assert.Equal(table["columnDefinitions"]!.AsArray().Count, row!["cells"]!.AsArray().Count);
        return row["cells"]!;
    }

    // Column names (what kubectl upper-cases), with "+" marking priority-1 (wide) columns.
    [Theory]
    [InlineData("", "Namespace", "Name|Status|Age")]
    [InlineData("", "ConfigMap", "Name|Data|Age")]
    [InlineData("", "Secret", "Name|Type|Data|Age")]
    [InlineData("", "ServiceAccount", "Name|Secrets|Age")]
    [InlineData("", "Service", "Name|Type|Cluster-IP|External-IP|Port(s)|Age|+Selector")]
    [InlineData("", "Endpoints", "Name|Endpoints|Age")]
    [InlineData("", "Pod", "Name|Ready|Status|Restarts|Age|+IP|+Node|+Nominated Node|+Readiness Gates")]
    [InlineData("", "Node", "Name|Status|Roles|Age|Version|+Internal-IP|+External-IP|+OS-Image|+Kernel-Version|+Container-Runtime")]
    [InlineData("", "Event", "Last Seen|Type|Reason|Object|+Subobject|+Source|Message|+First Seen|+Count|+Name")]
    [InlineData("events.k8s.io", "Event", "Last Seen|Type|Reason|Object|+Subobject|+Source|Message|+First Seen|+Count|+Name")]
    [InlineData("", "PersistentVolumeClaim", "Name|Status|Volume|Capacity|Access Modes|StorageClass|VolumeAttributesClass|Age|+VolumeMode")]
    [InlineData("", "ResourceQuota", "Name|Age|Request|Limit")]
    [InlineData("", "LimitRange", "Name|Created At")]
    [InlineData("", "ReplicationController", "Name|Desired|Current|Ready|Age|+Containers|+Images|+Selector")]
    [InlineData("apps", "Deployment", "Name|Ready|Up-to-date|Available|Age|+Containers|+Images|+Selector")]
    [InlineData("apps", "ReplicaSet", "Name|Desired|Current|Ready|Age|+Containers|+Images|+Selector")]
    [InlineData("apps", "StatefulSet", "Name|Ready|Age|+Containers|+Images")]
    [InlineData("apps", "DaemonSet", "Name|Desired|Current|Ready|Up-to-date|Available|Node Selector|Age|+Containers|+Images|+Selector")]
    [InlineData("batch", "Job", "Name|Status|Completions|Duration|Age|+Containers|+Images|+Selector")]
    [InlineData("batch", "CronJob", "Name|Schedule|Timezone|Suspend|Active|Last Schedule|Age|+Containers|+Images|+Selector")]
    [InlineData("coordination.k8s.io", "Lease", "Name|Holder|Age")]
    [InlineData("discovery.k8s.io", "EndpointSlice", "Name|AddressType|Ports|Endpoints|Age")]
    [InlineData("policy", "PodDisruptionBudget", "Name|Min Available|Max Unavailable|Allowed Disruptions|Age")]
    [InlineData("networking.k8s.io", "Ingress", "Name|Class|Hosts|Address|Ports|Age")]
    [InlineData("networking.k8s.io", "NetworkPolicy", "Name|Pod-Selector|Age")]
    [InlineData("rbac.authorization.k8s.io", "Role", "Name|Created At")]
    [InlineData("rbac.authorization.k8s.io", "ClusterRole", "Name|Created At")]
    [InlineData("rbac.authorization.k8s.io", "RoleBinding", "Name|Role|Age|+Users|+Groups|+ServiceAccounts")]
    [InlineData("rbac.authorization.k8s.io", "ClusterRoleBinding", "Name|Role|Age|+Users|+Groups|+ServiceAccounts")]
    [InlineData("apiextensions.k8s.io", "CustomResourceDefinition", "Name|Created At")]
    [InlineData("example.io", "Widget", "Name|Age")]
    public void ColumnsFor_Kind_UpstreamColumns(string group, string kind, string expected)
    {
        var columns = TableBuilder.ColumnsFor(BuiltIn(group, kind, kind.ToLowerInvariant() + "s"));

        Assert.Equal(expected, string.Join('|', columns.Select(c => (c.Priority > 0 ? "+" : "") + c.Name)));
        Assert.Equal("name", columns.Single(c => c.Name == "Name").Format);
    }

    [Fact]
    public void Build_Deployment_WholeTable()
    {
        var deployment = Parse($$$"""
            {
              "apiVersion": "apps/v1",
              "kind": "Deployment",
              "metadata": {"name": "web", "namespace": "default", {{{Created}}}, "managedFields": [{"manager": "kubectl"}]},
              "spec": {
                "replicas": 3,
                "selector": {"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["fe"]}]},
                "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}, {"name": "log", "image": "busybox"}]}}
              },
              "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}
            }
            """);

        var table = TableBuilder.Build(BuiltIn("apps", "Deployment", "deployments"), [deployment], Now, IncludeObject.Metadata, resourceVersion: "42");

        JsonAssert.Equal($$"""
            {
              "kind": "Table",
              "apiVersion": "meta.k8s.io/v1",
              "metadata": {"resourceVersion": "42"},
              "columnDefinitions": [
                {"name": "Name", "type": "string", "format": "name", "description": "{{StandardColumns.NameDescription}}", "priority": 0},
                {"name": "Ready", "type": "string", "format": "", "description": "Number of the pod with ready state", "priority": 0},
                {"name": "Up-to-date", "type": "string", "format": "", "description": "Total number of non-terminated pods targeted by this deployment that have the desired template spec.", "priority": 0},
                {"name": "Available", "type": "string", "format": "", "description": "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.", "priority": 0},
                {"name": "Age", "type": "string", "format": "", "description": {{JsonValue.Create(StandardColumns.CreationTimestampDescription)!.ToJsonString()}}, "priority": 0},
                {"name": "Containers", "type": "string", "format": "", "description": "Names of each container in the template.", "priority": 1},
                {"name": "Images", "type": "string", "format": "", "description": "Images referenced by each container in the template.", "priority": 1},
                {"name": "Selector", "type": "string", "format": "", "description": "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", "priority": 1}
              ],
              "rows": [
                {
                  "cells": ["web", "2/3", 3, 2, "5m12s", "nginx,log", "nginx:1.27,busybox", "app=web,tier in (fe)"],
                  "object": {
                    "kind": "PartialObjectMetadata",
                    "apiVersion": "meta.k8s.io/v1",
                    "metadata": {"name": "web", "namespace": "default", "creationTimestamp": "2025-01-01T11:54:48Z"}
                  }
                }
              ]
            }
            """, table);
    }

    [Fact]
    public void Build_DeploymentWithoutReplicasOrStatus_DefaultsToOneDesired()
    {
        JsonAssert.Equal("""["web", "0/1", 0, 0, "<unknown>", "", "", ""]""", Cells("apps", "Deployment", """{"metadata":{"name":"web"}}"""));
    }

    [Theory]
    [InlineData(
        """{"type":"ClusterIP","clusterIP":"10.0.0.1","clusterIPs":["10.0.0.1"],"ports":[{"port":80,"protocol":"TCP"},{"port":53,"protocol":"UDP"}],"selector":{"app":"web","tier":"fe"}}""",
        "{}",
        """["ClusterIP", "10.0.0.1", "<none>", "80/TCP,53/UDP", "app=web,tier=fe"]""")]
    [InlineData(
        """{"clusterIP":"None","ports":[{"port":80}]}""",
        "{}",
        """["ClusterIP", "None", "<none>", "80/TCP", "<none>"]""")]
    [InlineData(
        """{"type":"NodePort","clusterIPs":["10.0.0.2"],"externalIPs":["1.2.3.4"],"ports":[{"port":80,"nodePort":30080,"protocol":"TCP"}]}""",
        "{}",
        """["NodePort", "10.0.0.2", "1.2.3.4", "80:30080/TCP", "<none>"]""")]
    [InlineData(
        """{"type":"LoadBalancer","clusterIPs":["10.0.0.3"],"ports":[{"port":443,"nodePort":31443,"protocol":"TCP"}]}""",
        "{}",
        """["LoadBalancer", "10.0.0.3", "<pending>", "443:31443/TCP", "<none>"]""")]
    [InlineData(
        """{"type":"LoadBalancer","clusterIPs":["10.0.0.3"],"ports":[]}""",
        """{"loadBalancer":{"ingress":[{"ip":"203.0.113.9"},{"hostname":"lb.example.com"},{"ip":"203.0.113.9"}]}}""",
        """["LoadBalancer", "10.0.0.3", "203.0.113.9,lb.example.com", "<none>", "<none>"]""")]
    [InlineData(
        """{"type":"LoadBalancer","clusterIPs":["10.0.0.3"],"externalIPs":["1.1.1.1"]}""",
        """{"loadBalancer":{"ingress":[{"ip":"2.2.2.2"}]}}""",
        """["LoadBalancer", "10.0.0.3", "2.2.2.2,1.1.1.1", "<none>", "<none>"]""")]
    [InlineData(
        """{"type":"ExternalName","externalName":"db.example.com"}""",
        "{}",
        """["ExternalName", "<none>", "db.example.com", "<none>", "<none>"]""")]
    public void Build_Service_TypeIpsAndPorts(string specJson, string statusJson, string expectedCells)
    {
        var cells = Cells("", "Service", $$$"""{"metadata":{"name":"svc",{{{Created}}}},"spec":{{{specJson}}},"status":{{{statusJson}}}}""");

        var expected = JsonNode.Parse(expectedCells)!.AsArray();
        JsonAssert.Equal(
            new JsonArray("svc", expected[0]!.DeepClone(), expected[1]!.DeepClone(), expected[2]!.DeepClone(), expected[3]!.DeepClone(), "5m12s", expected[4]!.DeepClone()).ToJsonString(),
            cells);
    }

    public static TheoryData<string, string> PodCases => new()
    {
        {
            """
            {"spec":{"nodeName":"n1","containers":[{"name":"a"},{"name":"b"}]},
             "status":{"phase":"Running","podIP":"10.1.0.5","podIPs":[{"ip":"10.1.0.5"}],"conditions":[{"type":"Ready","status":"True"}],
               "containerStatuses":[{"name":"a","ready":true,"restartCount":0,"state":{"running":{}}},{"name":"b","ready":true,"restartCount":0,"state":{"running":{}}}]}}
            """,
            """["2/2", "Running", "0", "10.1.0.5", "n1", "<none>", "<none>"]"""
        },
        {
            """
            {"spec":{"containers":[{"name":"a"}]},
             "status":{"phase":"Running","containerStatuses":[{"name":"a","ready":false,"restartCount":4,
               "state":{"waiting":{"reason":"CrashLoopBackOff"}},"lastState":{"terminated":{"exitCode":1,"finishedAt":"2025-01-01T11:59:00Z"}}}]}}
            """,
            """["0/1", "CrashLoopBackOff", "4 (60s ago)", "<none>", "<none>", "<none>", "<none>"]"""
        },
        {
            """
            {"spec":{"initContainers":[{"name":"init"}],"containers":[{"name":"a"}]},
             "status":{"phase":"Pending","initContainerStatuses":[{"name":"init","state":{"running":{}}}],"containerStatuses":[{"name":"a","state":{"waiting":{"reason":"PodInitializing"}}}]}}
            """,
            """["0/1", "Init:0/1", "0", "<none>", "<none>", "<none>", "<none>"]"""
        },
        {
            """
            {"spec":{"initContainers":[{"name":"init"}],"containers":[{"name":"a"}]},
             "status":{"phase":"Pending","initContainerStatuses":[{"name":"init","state":{"terminated":{"exitCode":2}}}]}}
            """,
            """["0/1", "Init:ExitCode:2", "0", "<none>", "<none>", "<none>", "<none>"]"""
        },
        {
            """
            {"spec":{"initContainers":[{"name":"proxy","restartPolicy":"Always"}],"containers":[{"name":"a"}]},
             "status":{"phase":"Running","conditions":[{"type":"Initialized","status":"True"},{"type":"Ready","status":"True"}],
               "initContainerStatuses":[{"name":"proxy","started":true,"ready":true,"restartCount":1,"state":{"running":{}}}],
               "containerStatuses":[{"name":"a","ready":true,"restartCount":0,"state":{"running":{}}}]}}
            """,
            """["2/2", "Running", "1", "<none>", "<none>", "<none>", "<none>"]"""
        },
        {
            """
            {"metadata":{"deletionTimestamp":"2025-01-01T11:59:59Z"},"spec":{"containers":[{"name":"a"}]},
             "status":{"phase":"Running","containerStatuses":[{"name":"a","ready":true,"state":{"running":{}}}]}}
            """,
            """["1/1", "Terminating", "0", "<none>", "<none>", "<none>", "<none>"]"""
        },
        {
            """
            {"spec":{"containers":[{"name":"a"}],"readinessGates":[{"conditionType":"example.com/lb"},{"conditionType":"example.com/dns"}]},
             "status":{"phase":"Pending","nominatedNodeName":"n2","conditions":[{"type":"example.com/lb","status":"True"},{"type":"PodScheduled","status":"False","reason":"SchedulingGated"}]}}
            """,
            """["0/1", "SchedulingGated", "0", "<none>", "<none>", "n2", "1/2"]"""
        },
        {
            """
            {"spec":{"containers":[{"name":"a"}]},
             "status":{"phase":"Failed","reason":"Evicted"}}
            """,
            """["0/1", "Evicted", "0", "<none>", "<none>", "<none>", "<none>"]"""
        },
        {
            """
            {"spec":{"containers":[{"name":"a"},{"name":"b"}]},
             "status":{"phase":"Running","conditions":[{"type":"Ready","status":"False"}],"containerStatuses":[
               {"name":"a","ready":true,"state":{"running":{}}},{"name":"b","ready":false,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}}
            """,
            """["1/2", "NotReady", "0", "<none>", "<none>", "<none>", "<none>"]"""
        },
        {
            """
            {"spec":{"containers":[{"name":"a"}]},
             "status":{"phase":"Failed","containerStatuses":[{"name":"a","state":{"terminated":{"exitCode":137,"signal":9}}}]}}
            """,
            """["0/1", "Signal:9", "0", "<none>", "<none>", "<none>", "<none>"]"""
        },
    };

    [Theory]
    [MemberData(nameof(PodCases))]
    public void Build_Pod_ReadyStatusRestartsAndWideColumns(string podJson, string expectedCells)
    {
        var pod = Parse(podJson);
        var metadata = pod["metadata"] as JsonObject ?? [];
        metadata["name"] = "p";
        metadata["creationTimestamp"] = "2025-01-01T11:54:48Z";
        pod["metadata"] = metadata.DeepClone();

        var cells = Cells("", "Pod", pod.ToJsonString()).AsArray();

        var expected = JsonNode.Parse(expectedCells)!.AsArray();
        JsonAssert.Equal(
            new JsonArray("p", expected[0]!.DeepClone(), expected[1]!.DeepClone(), expected[2]!.DeepClone(), "5m12s",
                expected[3]!.DeepClone(), expected[4]!.DeepClone(), expected[5]!.DeepClone(), expected[6]!.DeepClone()).ToJsonString(),
            cells);
    }

    [Theory]
    [InlineData("Succeeded", """[{"type":"Completed","status":"True","reason":"Succeeded","message":"The pod has completed successfully."}]""")]
    [InlineData("Failed", """[{"type":"Completed","status":"True","reason":"Failed","message":"The pod failed."}]""")]
    [InlineData("Running", null)]
    public void Build_PodPhase_RowConditions(string phase, string? expectedConditions)
    {
        var table = TableBuilder.Build(BuiltIn("", "Pod", "pods"), [Parse($$$"""{"metadata":{"name":"p"},"status":{"phase":"{{{phase}}}"}}""")], Now, IncludeObject.None);

        var row = table["rows"]![0]!.AsObject();
        if (expectedConditions is null)
        {
            Assert.False(row.ContainsKey("conditions"));
        }
        else
        {
            JsonAssert.Equal(expectedConditions, row["conditions"]);
        }
    }

    [Theory]
    [InlineData("", "Namespace", $$$"""{"metadata":{"name":"team-a",{{{Created}}}},"status":{"phase":"Active"}}""", """["team-a", "Active", "5m12s"]""")]
    [InlineData("", "Namespace", """{"metadata":{"name":"x"}}""", """["x", "", "<unknown>"]""")]
    [InlineData("", "ConfigMap", $$$"""{"metadata":{"name":"cfg",{{{Created}}}},"data":{"a":"1","b":"2"},"binaryData":{"c":"AA=="}}""", """["cfg", 3, "5m12s"]""")]
    [InlineData("", "ConfigMap", """{"metadata":{"name":"empty"}}""", """["empty", 0, "<unknown>"]""")]
    [InlineData("", "Secret", $$$"""{"metadata":{"name":"tls",{{{Created}}}},"type":"kubernetes.io/tls","data":{"tls.crt":"","tls.key":""}}""", """["tls", "kubernetes.io/tls", 2, "5m12s"]""")]
    [InlineData("", "Secret", """{"metadata":{"name":"s"}}""", """["s", "Opaque", 0, "<unknown>"]""")]
    [InlineData("", "ServiceAccount", """{"metadata":{"name":"default"},"secrets":[{"name":"t"}]}""", """["default", 1, "<unknown>"]""")]
    [InlineData("", "Endpoints", """{"metadata":{"name":"e"},"subsets":[{"addresses":[{"ip":"10.0.0.1"},{"ip":"fd00::1"}],"ports":[{"port":80},{"port":443}]}]}""", """["e", "10.0.0.1:80,[fd00::1]:80,10.0.0.1:443 + 1 more...", "<unknown>"]""")]
    [InlineData("", "Endpoints", """{"metadata":{"name":"e"}}""", """["e", "<none>", "<unknown>"]""")]
    [InlineData("", "Node", $$$"""{"metadata":{"name":"n1",{{{Created}}},"labels":{"node-role.kubernetes.io/control-plane":"","kubernetes.io/role":"edge"}},"spec":{"unschedulable":true},"status":{"conditions":[{"type":"Ready","status":"True"}],"addresses":[{"type":"InternalIP","address":"10.0.0.4"}],"nodeInfo":{"kubeletVersion":"v1.32.4","osImage":"Debian"} } }""", """["n1", "Ready,SchedulingDisabled", "control-plane,edge", "5m12s", "v1.32.4", "10.0.0.4", "<none>", "Debian", "<unknown>", "<unknown>"]""")]
    [InlineData("", "Node", """{"metadata":{"name":"n2"},"status":{"conditions":[{"type":"Ready","status":"Unknown"}]}}""", """["n2", "NotReady", "<none>", "<unknown>", "", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"]""")]
    [InlineData("", "PersistentVolumeClaim", """{"metadata":{"name":"data"},"spec":{"volumeName":"pv-1","storageClassName":"fast","volumeMode":"Filesystem"},"status":{"phase":"Bound","accessModes":["ReadWriteMany","ReadWriteOnce"],"capacity":{"storage":"10Gi"}}}""", """["data", "Bound", "pv-1", "10Gi", "RWO,RWX", "fast", "<unset>", "<unknown>", "Filesystem"]""")]
    [InlineData("", "PersistentVolumeClaim", """{"metadata":{"name":"p","annotations":{"volume.beta.kubernetes.io/storage-class":"old"}},"spec":{"storageClassName":"new"},"status":{"phase":"Pending"}}""", """["p", "Pending", "", "", "", "old", "<unset>", "<unknown>", "<unset>"]""")]
    [InlineData("", "ResourceQuota", """{"metadata":{"name":"q"},"status":{"hard":{"pods":"10","limits.cpu":"2","requests.memory":"1Gi"},"used":{"pods":"3","limits.cpu":"500m"}}}""", """["q", "<unknown>", "pods: 3/10, requests.memory: 0/1Gi", "limits.cpu: 500m/2"]""")]
    [InlineData("", "LimitRange", $$$"""{"metadata":{"name":"lr",{{{Created}}}}}""", """["lr", "2025-01-01T11:54:48Z"]""")]
    [InlineData("", "ReplicationController", """{"metadata":{"name":"rc"},"spec":{"replicas":2,"selector":{"app":"x"},"template":{"spec":{"containers":[{"name":"c","image":"i"}]}}},"status":{"replicas":2,"readyReplicas":1}}""", """["rc", 2, 2, 1, "<unknown>", "c", "i", "app=x"]""")]
    [InlineData("apps", "ReplicaSet", """{"metadata":{"name":"rs"},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"x"}},"template":{"spec":{"containers":[{"name":"c","image":"i"}]}}},"status":{"replicas":3,"readyReplicas":2}}""", """["rs", 3, 3, 2, "<unknown>", "c", "i", "app=x"]""")]
    [InlineData("apps", "ReplicaSet", """{"metadata":{"name":"rs"},"spec":{"selector":{"matchExpressions":[{"key":"a","operator":"Bogus"}]}}}""", """["rs", 1, 0, 0, "<unknown>", "", "", "<error>"]""")]
    [InlineData("apps", "StatefulSet", """{"metadata":{"name":"db"},"spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"pg","image":"postgres:17"}]}}},"status":{"readyReplicas":3}}""", """["db", "3/3", "<unknown>", "pg", "postgres:17"]""")]
    [InlineData("apps", "DaemonSet", """{"metadata":{"name":"ds"},"spec":{"selector":{"matchLabels":{"k":"v"}},"template":{"spec":{"nodeSelector":{"os":"linux"},"containers":[{"name":"c","image":"i"}]}}},"status":{"desiredNumberScheduled":3,"currentNumberScheduled":3,"numberReady":2,"updatedNumberScheduled":3,"numberAvailable":2}}""", """["ds", 3, 3, 2, 3, 2, "os=linux", "<unknown>", "c", "i", "k=v"]""")]
    [InlineData("batch", "Job", """{"metadata":{"name":"j"},"spec":{"completions":3,"selector":{}},"status":{"succeeded":3,"startTime":"2025-01-01T11:00:00Z","completionTime":"2025-01-01T11:02:05Z","conditions":[{"type":"Complete","status":"True"}]}}""", """["j", "Complete", "3/3", "2m5s", "<unknown>", "", "", "<none>"]""")]
    [InlineData("batch", "Job", """{"metadata":{"name":"j"},"spec":{"parallelism":4},"status":{"succeeded":1,"startTime":"2025-01-01T11:59:15Z"}}""", """["j", "Running", "1/1 of 4", "45s", "<unknown>", "", "", "<none>"]""")]
    [InlineData("batch", "Job", """{"metadata":{"name":"j"},"status":{"conditions":[{"type":"Failed","status":"True"},{"type":"Complete","status":"False"}]}}""", """["j", "Failed", "0/1", "", "<unknown>", "", "", "<none>"]""")]
    [InlineData("batch", "Job", """{"metadata":{"name":"j","deletionTimestamp":"2025-01-01T12:00:00Z"},"status":{"conditions":[{"type":"Suspended","status":"True"}]}}""", """["j", "Terminating", "0/1", "", "<unknown>", "", "", "<none>"]""")]
    [InlineData("batch", "Job", """{"metadata":{"name":"j"},"status":{"conditions":[{"type":"Suspended","status":"True"}]}}""", """["j", "Suspended", "0/1", "", "<unknown>", "", "", "<none>"]""")]
    [InlineData("batch", "CronJob", """{"metadata":{"name":"cj"},"spec":{"schedule":"*/5 * * * *","timeZone":"Etc/UTC","suspend":true,"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"i"}]}}}}},"status":{"active":[{"name":"cj-1"}],"lastScheduleTime":"2025-01-01T11:55:00Z"}}""", """["cj", "*/5 * * * *", "Etc/UTC", "True", 1, "5m", "<unknown>", "c", "i", "<none>"]""")]
    [InlineData("batch", "CronJob", """{"metadata":{"name":"cj"},"spec":{"schedule":"@daily"}}""", """["cj", "@daily", "<none>", "False", 0, "<none>", "<unknown>", "", "", "<none>"]""")]
    [InlineData("coordination.k8s.io", "Lease", """{"metadata":{"name":"l"},"spec":{"holderIdentity":"node-1"}}""", """["l", "node-1", "<unknown>"]""")]
    [InlineData("discovery.k8s.io", "EndpointSlice", """{"metadata":{"name":"es"},"addressType":"IPv4","ports":[{"port":80},{"name":"metrics"},{}],"endpoints":[{"addresses":["10.0.0.1","10.0.0.2"]},{"addresses":["10.0.0.3","10.0.0.4"]}]}""", """["es", "IPv4", "80,metrics,*", "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...", "<unknown>"]""")]
    [InlineData("discovery.k8s.io", "EndpointSlice", """{"metadata":{"name":"es"},"addressType":"IPv6"}""", """["es", "IPv6", "<unset>", "<unset>", "<unknown>"]""")]
    [InlineData("policy", "PodDisruptionBudget", """{"metadata":{"name":"pdb"},"spec":{"minAvailable":"50%"},"status":{"disruptionsAllowed":1}}""", """["pdb", "50%", "N/A", 1, "<unknown>"]""")]
    [InlineData("policy", "PodDisruptionBudget", """{"metadata":{"name":"pdb"},"spec":{"maxUnavailable":1}}""", """["pdb", "N/A", "1", 0, "<unknown>"]""")]
    [InlineData("networking.k8s.io", "Ingress", """{"metadata":{"name":"ing"},"spec":{"ingressClassName":"nginx","tls":[{}],"rules":[{"host":"a.example"},{},{"host":"b.example"},{"host":"c.example"},{"host":"d.example"}]},"status":{"loadBalancer":{"ingress":[{"ip":"1.2.3.4"}]}}}""", """["ing", "nginx", "a.example,b.example,c.example + 2 more...", "1.2.3.4", "80, 443", "<unknown>"]""")]
    [InlineData("networking.k8s.io", "Ingress", """{"metadata":{"name":"ing"},"spec":{"rules":[{}]}}""", """["ing", "<none>", "*", "", "80", "<unknown>"]""")]
    [InlineData("networking.k8s.io", "NetworkPolicy", """{"metadata":{"name":"np"},"spec":{"podSelector":{}}}""", """["np", "<none>", "<unknown>"]""")]
    [InlineData("networking.k8s.io", "NetworkPolicy", """{"metadata":{"name":"np"},"spec":{"podSelector":{"matchLabels":{"role":"db"}}}}""", """["np", "role=db", "<unknown>"]""")]
    [InlineData("rbac.authorization.k8s.io", "RoleBinding", """{"metadata":{"name":"rb"},"roleRef":{"kind":"ClusterRole","name":"view"},"subjects":[{"kind":"User","name":"jane"},{"kind":"Group","name":"devs"},{"kind":"ServiceAccount","name":"bot","namespace":"ci"},{"kind":"User","name":"joe"}]}""", """["rb", "ClusterRole/view", "<unknown>", "jane, joe", "devs", "ci/bot"]""")]
    [InlineData("rbac.authorization.k8s.io", "ClusterRole", """{"metadata":{"name":"view"}}""", """["view", "0001-01-01T00:00:00Z"]""")]
    [InlineData("apiextensions.k8s.io", "CustomResourceDefinition", """{"metadata":{"name":"widgets.example.io","creationTimestamp":"2024-06-30T08:09:10+02:00"}}""", """["widgets.example.io", "2024-06-30T06:09:10Z"]""")]
    public void Build_BuiltInKind_UpstreamCells(string group, string kind, string objectJson, string expectedCells)
    {
        JsonAssert.Equal(expectedCells, Cells(group, kind, objectJson));
    }

    [Theory]
    [InlineData(
        """
        {"metadata":{"name":"web.17a"},"type":"Warning","reason":"BackOff","message":" Back-off restarting failed container \n",
         "involvedObject":{"kind":"Pod","name":"web","fieldPath":"spec.containers{app}"},"source":{"component":"kubelet","host":"n1"},
         "count":5,"firstTimestamp":"2025-01-01T11:00:00Z","lastTimestamp":"2025-01-01T11:59:15Z"}
        """,
        """["45s", "Warning", "BackOff", "pod/web", "spec.containers{app}", "kubelet, n1", "Back-off restarting failed container", "60m", 5, "web.17a"]""")]
    [InlineData(
        """
        {"metadata":{"name":"n.1"},"type":"Normal","reason":"Starting","message":"Starting kubelet.",
         "involvedObject":{"kind":"Node"},"reportingComponent":"kubelet","reportingInstance":"n1","eventTime":"2025-01-01T11:58:00.000000Z"}
        """,
        """["2m", "Normal", "Starting", "node", "", "kubelet, n1", "Starting kubelet.", "2m", 1, "n.1"]""")]
    [InlineData(
        """
        {"metadata":{"name":"e.2"},"type":"Normal","reason":"Scheduled","note":"Assigned default/web to n1",
         "regarding":{"kind":"Pod","name":"web"},"reportingController":"default-scheduler","eventTime":"2025-01-01T11:50:00.000000Z",
         "series":{"count":3,"lastObservedTime":"2025-01-01T11:59:30.000000Z"}}
        """,
        """["30s", "Normal", "Scheduled", "pod/web", "", "default-scheduler", "Assigned default/web to n1", "10m", 3, "e.2"]""")]
    [InlineData(
        """{"metadata":{"name":"bare"}}""",
        """["<unknown>", "", "", "", "", "", "", "<unknown>", 1, "bare"]""")]
    public void Build_Event_CoreAndEventsV1Shapes(string eventJson, string expectedCells)
    {
        JsonAssert.Equal(expectedCells, Cells("", "Event", eventJson));
        JsonAssert.Equal(expectedCells, Cells("events.k8s.io", "Event", eventJson));
    }
}
