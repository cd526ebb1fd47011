using System.Globalization;
using System.Text.Json.Nodes;

namespace Flotilla.Benchmarks;

/// <summary>Realistic Deployments as kubectl sends them and as the server stores them.</summary>
internal static class Deployments
{
    public const string Live = """
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"web","namespace":"demo","uid":"6f1b3f5e-8d4c-4b71-9a55-1f2d3c4b5a69","resourceVersion":"1042","generation":3,
           "creationTimestamp":"2025-01-01T11:00:00Z","labels":{"app":"web","tier":"frontend"},
           "annotations":{"deployment.kubernetes.io/revision":"3","kubectl.kubernetes.io/last-applied-configuration":"{old}"}},
         "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
           "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},
           "revisionHistoryLimit":10,"progressDeadlineSeconds":600,
           "template":{"metadata":{"labels":{"app":"web","tier":"frontend"}},
             "spec":{"containers":[
                 {"name":"nginx","image":"nginx:1.25","imagePullPolicy":"IfNotPresent",
                  "env":[{"name":"A","value":"1"},{"name":"B","value":"2"},{"name":"C","value":"3"}],
                  "ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":443,"protocol":"TCP"}],
                  "resources":{"requests":{"cpu":"100m","memory":"128Mi"},"limits":{"memory":"256Mi"}},
                  "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"},
                 {"name":"sidecar","image":"busybox:1.36","args":["sleep","infinity"],"imagePullPolicy":"IfNotPresent",
                  "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],
               "restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","schedulerName":"default-scheduler",
               "securityContext":{}}}},
         "status":{"observedGeneration":3,"replicas":3,"updatedReplicas":3,"readyReplicas":3,"availableReplicas":3,
           "conditions":[
             {"type":"Available","status":"True","lastUpdateTime":"2025-01-01T11:00:30Z","lastTransitionTime":"2025-01-01T11:00:30Z","reason":"MinimumReplicasAvailable","message":"Deployment has minimum availability."},
             {"type":"Progressing","status":"True","lastUpdateTime":"2025-01-01T11:00:30Z","lastTransitionTime":"2025-01-01T11:00:00Z","reason":"NewReplicaSetAvailable","message":"ReplicaSet \"web-5d4f8c7b9\" has successfully progressed."}]}}
        """;

    /// <summary>What <c>kubectl apply</c> (client-side) sends to re-apply with a new image, replicas and env value.</summary>
    public const string KubectlPatch = """
        {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{new}"}},
         "spec":{"replicas":5,"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"sidecar"}],
           "containers":[{"$setElementOrder/env":[{"name":"A"},{"name":"B"},{"name":"C"}],"env":[{"name":"B","value":"20"}],"image":"nginx:1.26","name":"nginx"}]}}}}
        """;

    /// <summary>What <c>kubectl apply --server-side</c> sends.</summary>
    public static string Manifest(string image = "nginx:1.25", int replicas = 3) => """
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"web","namespace":"demo","labels":{"app":"web","tier":"frontend"}},
         "spec":{"replicas":@REPLICAS,"selector":{"matchLabels":{"app":"web"}},
           "template":{"metadata":{"labels":{"app":"web","tier":"frontend"}},
             "spec":{"containers":[
               {"name":"nginx","image":"@IMAGE","env":[{"name":"A","value":"1"},{"name":"B","value":"2"},{"name":"C","value":"3"}],
                "ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":443,"protocol":"TCP"}],
                "resources":{"requests":{"cpu":"100m","memory":"128Mi"},"limits":{"memory":"256Mi"}}},
               {"name":"sidecar","image":"busybox:1.36","args":["sleep","infinity"]}]}}}}
        """
        .Replace("@IMAGE", image, StringComparison.Ordinal)
        .Replace("@REPLICAS", replicas.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    /// <summary><paramref name="count"/> distinct live Deployments (names, images, ready counts vary).</summary>
    public static List<JsonObject> Many(int count)
    {
        var template = Parse(Live);
        var result = new List<JsonObject>(count);
        for (var i = 0; i < count; i++)
        {
            var copy = template.DeepClone().AsObject();
            copy["metadata"]!["name"] = $"web-{i}";
            copy["metadata"]!["labels"]!["shard"] = (i % 7).ToString(CultureInfo.InvariantCulture);
            copy["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = $"nginx:1.{i % 30}";
            copy["status"]!["readyReplicas"] = i % 4;
            result.Add(copy);
        }
        return result;
    }
}
