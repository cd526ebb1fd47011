using Flotilla.ApiServer.Defaulting;

namespace Flotilla.ApiServer.Tests.Defaulting;

public sealed class PodDefaultsTests
{
    [Theory]
    [InlineData("nginx", "latest")]
    [InlineData("nginx:latest", "latest")]
    [InlineData("nginx:1.27", "1.27")]
    [InlineData("registry.local:5000/team/nginx", "latest")]
    [InlineData("registry.local:5000/team/nginx:v2", "v2")]
    [InlineData("nginx@sha256:0123abcd", "")]
    [InlineData("nginx:1.27@sha256:0123abcd", "1.27")]
    public void ImageTag_Reference_TagUpstreamFinds(string image, string tag)
    {
        Assert.Equal(tag, PodDefaults.ImageTag(image));
    }

    [Fact]
    public void ApplyPod_FullPod_PodOnlyDefaultsProbesVolumesAndEnv()
    {
        var pod = JsonAssert.Object("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
             "spec":{"hostNetwork":true,
               "containers":[{"name":"app","image":"app:latest",
                 "ports":[{"containerPort":8080}],
                 "resources":{"limits":{"cpu":"500m","memory":"128Mi"},"requests":{"cpu":"100m"}},
                 "livenessProbe":{"httpGet":{"port":8080}},
                 "readinessProbe":{"tcpSocket":{"port":8080},"periodSeconds":5},
                 "env":[{"name":"NODE","valueFrom":{"fieldRef":{"fieldPath":"spec.nodeName"}}}]}],
               "volumes":[{"name":"scratch"},{"name":"cfg","configMap":{"name":"cfg"}},{"name":"sec","secret":{"secretName":"s","defaultMode":256}}]}}
            """);

        PodDefaults.ApplyPod(pod);

        JsonAssert.Equal("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
             "spec":{"hostNetwork":true,
               "containers":[{"name":"app","image":"app:latest",
                 "ports":[{"containerPort":8080,"protocol":"TCP","hostPort":8080}],
                 "resources":{"limits":{"cpu":"500m","memory":"128Mi"},"requests":{"cpu":"100m","memory":"128Mi"}},
                 "livenessProbe":{"httpGet":{"port":8080,"path":"/","scheme":"HTTP"},"timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,"failureThreshold":3},
                 "readinessProbe":{"tcpSocket":{"port":8080},"periodSeconds":5,"timeoutSeconds":1,"successThreshold":1,"failureThreshold":3},
                 "env":[{"name":"NODE","valueFrom":{"fieldRef":{"fieldPath":"spec.nodeName","apiVersion":"v1"}}}],
                 "imagePullPolicy":"Always","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],
               "volumes":[{"name":"scratch","emptyDir":{}},{"name":"cfg","configMap":{"name":"cfg","defaultMode":420}},{"name":"sec","secret":{"secretName":"s","defaultMode":256}}],
               "dnsPolicy":"ClusterFirst","restartPolicy":"Always","securityContext":{},"terminationGracePeriodSeconds":30,"schedulerName":"default-scheduler",
               "enableServiceLinks":true}}
            """, pod);
    }

    [Fact]
    public void ApplyTemplate_TemplateWithoutSpec_CreatesSpecDefaults()
    {
        var template = JsonAssert.Object("""{"metadata":{"labels":{"app":"x"}}}""");

        PodDefaults.ApplyTemplate(template);

        JsonAssert.Equal("""
            {"metadata":{"labels":{"app":"x"}},"spec":{"dnsPolicy":"ClusterFirst","restartPolicy":"Always","securityContext":{},"terminationGracePeriodSeconds":30,"schedulerName":"default-scheduler"}}
            """, template);
    }

    [Fact]
    public void ApplyPod_AlreadyDefaulted_Unchanged()
    {
        var pod = JsonAssert.Object("""{"spec":{"containers":[{"name":"c","image":"x:1"}]}}""");
        PodDefaults.ApplyPod(pod);
        var once = pod.DeepClone();

        PodDefaults.ApplyPod(pod);

        JsonAssert.Equal(once, pod);
    }
}
