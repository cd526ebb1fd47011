using Flotilla.ApiServer.Defaulting;

namespace Flotilla.ApiServer.Tests.Defaulting;

public sealed class BuiltinDefaultsTests
{
    private const string Nginx = """{"name":"nginx","image":"nginx:1.27","ports":[{"containerPort":80}]}""";

    private const string NginxDefaulted = """
        {"name":"nginx","image":"nginx:1.27","ports":[{"containerPort":80,"protocol":"TCP"}],"imagePullPolicy":"IfNotPresent",
         "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}
        """;

    /// <summary>The pod spec every workload template gets, around one defaulted container.</summary>
    private const string TemplateSpec = """
        {"containers":[CONTAINER],"restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst",
         "securityContext":{},"schedulerName":"default-scheduler"}
        """;

    /// <summary>Replaces NGINX with the input container and TEMPLATE with the defaulted pod spec.</summary>
    private static string Fill(string json, string dnsPolicy = "ClusterFirst") =>
        json.Replace("NGINX", Nginx, StringComparison.Ordinal)
            .Replace("TEMPLATE", TemplateSpec.Replace("CONTAINER", NginxDefaulted, StringComparison.Ordinal), StringComparison.Ordinal)
            .Replace("\"ClusterFirst\"", $"\"{dnsPolicy}\"", StringComparison.Ordinal);

    public static TheoryData<string, string, string, string> Objects => new()
    {
        {
            "", "Namespace",
            """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a","labels":{"kubernetes.io/metadata.name":"spoofed"}}}""",
            """
            {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a","labels":{"kubernetes.io/metadata.name":"team-a"}},
             "spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}
            """
        },
        {
            "apps", "Deployment",
            Fill("""{"metadata":{"name":"web"},"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[NGINX]}}}}"""),
            Fill("""
                {"metadata":{"name":"web"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},
                 "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}},
                 "revisionHistoryLimit":10,"progressDeadlineSeconds":600,
                 "template":{"metadata":{"labels":{"app":"web"}},"spec":TEMPLATE}}}
                """)
        },
        {
            "apps", "Deployment",
            Fill("""{"spec":{"replicas":0,"strategy":{"type":"Recreate"},"revisionHistoryLimit":2,"template":{"spec":{"containers":[NGINX],"restartPolicy":"Always","dnsPolicy":"Default"}}}}"""),
            Fill("""
                {"spec":{"replicas":0,"strategy":{"type":"Recreate"},"revisionHistoryLimit":2,"progressDeadlineSeconds":600,
                 "template":{"spec":TEMPLATE}}}
                """, dnsPolicy: "Default")
        },
        {
            "apps", "ReplicaSet",
            Fill("""{"spec":{"template":{"spec":{"containers":[NGINX]}}}}"""),
            Fill("""{"spec":{"replicas":1,"template":{"spec":TEMPLATE}}}""")
        },
        {
            "apps", "StatefulSet",
            Fill("""
                {"spec":{"serviceName":"db","template":{"spec":{"containers":[NGINX]}},
                 "volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"]}}]}}
                """),
            Fill("""
                {"spec":{"serviceName":"db","podManagementPolicy":"OrderedReady","updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":0}},
                 "persistentVolumeClaimRetentionPolicy":{"whenDeleted":"Retain","whenScaled":"Retain"},"replicas":1,"revisionHistoryLimit":10,
                 "template":{"spec":TEMPLATE},
                 "volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],"volumeMode":"Filesystem"},"status":{"phase":"Pending"}}]}}
                """)
        },
        {
            "apps", "DaemonSet",
            Fill("""{"spec":{"template":{"spec":{"containers":[NGINX]}}}}"""),
            Fill("""
                {"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1,"maxSurge":0}},"revisionHistoryLimit":10,
                 "template":{"spec":TEMPLATE}}}
                """)
        },
        {
            "", "Service",
            """{"spec":{"selector":{"app":"web"},"ports":[{"port":80},{"name":"metrics","port":9090,"targetPort":"metrics","protocol":"UDP"}]}}""",
            """
            {"spec":{"selector":{"app":"web"},"ports":[{"port":80,"protocol":"TCP","targetPort":80},{"name":"metrics","port":9090,"targetPort":"metrics","protocol":"UDP"}],
             "sessionAffinity":"None","type":"ClusterIP","internalTrafficPolicy":"Cluster","ipFamilyPolicy":"SingleStack","ipFamilies":["IPv4"]}}
            """
        },
        {
            "", "Service",
            """{"spec":{"type":"LoadBalancer","sessionAffinity":"ClientIP","ports":[{"port":443,"targetPort":0}]}}""",
            """
            {"spec":{"type":"LoadBalancer","sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":10800}},
             "ports":[{"port":443,"targetPort":443,"protocol":"TCP"}],"externalTrafficPolicy":"Cluster","internalTrafficPolicy":"Cluster",
             "ipFamilyPolicy":"SingleStack","ipFamilies":["IPv4"],"allocateLoadBalancerNodePorts":true}}
            """
        },
        {
            "", "Service",
            """{"spec":{"type":"ExternalName","externalName":"db.example.com","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":5}}}}""",
            """{"spec":{"type":"ExternalName","externalName":"db.example.com","sessionAffinity":"None"}}"""
        },
        {
            "", "Secret",
            """{"data":{"k":"dg=="}}""",
            """{"data":{"k":"dg=="},"type":"Opaque"}"""
        },
        {
            "batch", "CronJob",
            """{"spec":{"schedule":"*/5 * * * *","jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"busybox"}],"restartPolicy":"OnFailure"}}}}}}""",
            """
            {"spec":{"schedule":"*/5 * * * *","concurrencyPolicy":"Allow","suspend":false,"successfulJobsHistoryLimit":3,"failedJobsHistoryLimit":1,
             "jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"busybox","imagePullPolicy":"Always",
               "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],
               "restartPolicy":"OnFailure","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","securityContext":{},"schedulerName":"default-scheduler"}}}}}}
            """
        },
        {
            "", "ReplicationController",
            """{"metadata":{"name":"rc"},"spec":{"template":{"metadata":{"labels":{"app":"rc"}},"spec":{"containers":[{"name":"c","image":"busybox@sha256:0123"}]}}}}""",
            """
            {"metadata":{"name":"rc","labels":{"app":"rc"}},"spec":{"replicas":1,"selector":{"app":"rc"},"template":{"metadata":{"labels":{"app":"rc"}},
             "spec":{"containers":[{"name":"c","image":"busybox@sha256:0123","imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],
               "restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","securityContext":{},"schedulerName":"default-scheduler"}}}}
            """
        },
        {
            "", "PersistentVolumeClaim",
            """{"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}""",
            """{"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}},"volumeMode":"Filesystem"},"status":{"phase":"Pending"}}"""
        },
    };

    [Theory]
    [MemberData(nameof(Objects))]
    public void Apply_Object_MatchesUpstreamDefaults(string group, string kind, string input, string expected)
    {
        var obj = JsonAssert.Object(input);

        Assert.True(BuiltinDefaults.Apply(group, kind, obj));

        JsonAssert.Equal(expected, obj);
    }

    [Theory]
    [MemberData(nameof(Objects))]
    public void Apply_Twice_SameAsOnce(string group, string kind, string input, string expected)
    {
        var obj = JsonAssert.Object(input);
        BuiltinDefaults.Apply(group, kind, obj);

        BuiltinDefaults.Apply(group, kind, obj);

        JsonAssert.Equal(expected, obj);
    }

    [Fact]
    public void Apply_JobWithoutLabels_GeneratesSelectorAndLabelsFromUid()
    {
        var job = JsonAssert.Object("""
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"pi","uid":"0b6f2c4e"},
             "spec":{"template":{"spec":{"containers":[{"name":"pi","image":"perl:5.34"}],"restartPolicy":"Never"}}}}
            """);

        BuiltinDefaults.Apply("batch", "Job", job);

        JsonAssert.Equal("""
            {"apiVersion":"batch/v1","kind":"Job",
             "metadata":{"name":"pi","uid":"0b6f2c4e","labels":{"batch.kubernetes.io/controller-uid":"0b6f2c4e","batch.kubernetes.io/job-name":"pi","controller-uid":"0b6f2c4e","job-name":"pi"}},
             "spec":{"completions":1,"parallelism":1,"backoffLimit":6,"completionMode":"NonIndexed","suspend":false,"podReplacementPolicy":"TerminatingOrFailed",
                     "selector":{"matchLabels":{"batch.kubernetes.io/controller-uid":"0b6f2c4e"}},
                     "template":{"metadata":{"labels":{"batch.kubernetes.io/controller-uid":"0b6f2c4e","batch.kubernetes.io/job-name":"pi","controller-uid":"0b6f2c4e","job-name":"pi"}},
                                 "spec":{"containers":[{"name":"pi","image":"perl:5.34","imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],
                                         "restartPolicy":"Never","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","securityContext":{},"schedulerName":"default-scheduler"}}}}
            """, job);
    }

    [Fact]
    public void Apply_JobWithTemplateLabelsAndUidArgument_JobKeepsOnlyUserLabels()
    {
        var job = JsonAssert.Object("""
            {"metadata":{"name":"pi"},"spec":{"parallelism":3,"podFailurePolicy":{"rules":[]},
              "template":{"metadata":{"labels":{"app":"pi"}},"spec":{"containers":[{"name":"pi","image":"perl"}],"restartPolicy":"Never"}}}}
            """);

        BuiltinDefaults.Apply("batch", "Job", job, uid: "u-1");

        JsonAssert.Equal("""{"app":"pi"}""", job["metadata"]!["labels"]);
        JsonAssert.Equal("""{"app":"pi","batch.kubernetes.io/controller-uid":"u-1","batch.kubernetes.io/job-name":"pi","controller-uid":"u-1","job-name":"pi"}""",
            job["spec"]!["template"]!["metadata"]!["labels"]);
        JsonAssert.Equal("""{"matchLabels":{"batch.kubernetes.io/controller-uid":"u-1"}}""", job["spec"]!["selector"]);
        Assert.Null(job["spec"]!["completions"]);
        Assert.Equal(3, (int)job["spec"]!["parallelism"]!);
        Assert.Equal("Failed", (string?)job["spec"]!["podReplacementPolicy"]);
    }

    [Fact]
    public void Apply_JobWithManualSelector_DoesNotGenerate()
    {
        var job = JsonAssert.Object("""
            {"metadata":{"name":"pi","uid":"u-1"},"spec":{"manualSelector":true,"selector":{"matchLabels":{"app":"pi"}},
              "template":{"metadata":{"labels":{"app":"pi"}},"spec":{"containers":[{"name":"pi","image":"perl"}],"restartPolicy":"Never"}}}}
            """);

        BuiltinDefaults.Apply("batch", "Job", job);

        JsonAssert.Equal("""{"matchLabels":{"app":"pi"}}""", job["spec"]!["selector"]);
        JsonAssert.Equal("""{"app":"pi"}""", job["spec"]!["template"]!["metadata"]!["labels"]);
    }

    [Theory]
    [InlineData("", "ConfigMap")]
    [InlineData("", "ServiceAccount")]
    [InlineData("policy", "PodDisruptionBudget")]
    [InlineData("placement.kubernetes-fleet.io", "ClusterResourcePlacement")]
    public void Apply_KindWithoutDefaults_ReturnsFalseAndChangesNothing(string group, string kind)
    {
        var obj = JsonAssert.Object("""{"metadata":{"name":"x"},"spec":{}}""");

        Assert.False(BuiltinDefaults.Apply(group, kind, obj));
        JsonAssert.Equal("""{"metadata":{"name":"x"},"spec":{}}""", obj);
    }
}
