using System.Security.Cryptography;
using System.Text;
using Flotilla.Member.Work;

namespace Flotilla.Member.Tests.Work;

/// <summary>Member-side sanitizing of enveloped manifests (placement spec §2.5) and the apply form and hash (§5.5 step 6).</summary>
public sealed class ManifestSanitizerTests
{
    [Fact]
    public void SanitizeEnveloped_ObjectCopiedFromACluster_StripsServerFieldsFleetAndToolAnnotationsAndStatus()
    {
        var manifest = TestJson.Parse("""
            {'apiVersion': 'apps/v1', 'kind': 'Deployment',
             'metadata': {'name': 'web', 'namespace': 'app', 'labels': {'app': 'web'}, 'finalizers': ['example.com/keep'],
               'annotations': {'team': 'blue',
                 'kubernetes-fleet.io/spec-hash': 'abc', 'kubernetes-fleet.io/last-applied-configuration': '{}',
                 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'deployment.kubernetes.io/revision': '3'},
               'ownerReferences': [{'apiVersion': 'v1', 'kind': 'ConfigMap', 'name': 'owner', 'uid': 'u1'}],
               'managedFields': [{'manager': 'kubectl'}], 'creationTimestamp': '2026-01-01T00:00:00Z',
               'deletionTimestamp': '2026-01-02T00:00:00Z', 'deletionGracePeriodSeconds': 30, 'generation': 4,
               'resourceVersion': '123', 'selfLink': '/apis/apps/v1/x', 'uid': 'u2'},
             'spec': {'replicas': 2},
             'status': {'replicas': 2}}
            """);

        var sanitized = ManifestSanitizer.SanitizeEnveloped(manifest);

        Assert.Equal(TestJson.Sorted("""
            {'apiVersion': 'apps/v1', 'kind': 'Deployment',
             'metadata': {'name': 'web', 'namespace': 'app', 'labels': {'app': 'web'}, 'finalizers': ['example.com/keep'],
               'annotations': {'team': 'blue'}},
             'spec': {'replicas': 2}}
            """), TestJson.Sorted(sanitized));
    }

    [Fact]
    public void SanitizeEnveloped_OnlyStrippedAnnotationsAndEmptyLabels_RemovesTheEmptyMaps()
    {
        var manifest = TestJson.Parse("""
            {'apiVersion': 'v1', 'kind': 'ConfigMap',
             'metadata': {'name': 'c', 'labels': {}, 'annotations': {'kubernetes-fleet.io/spec-hash': 'abc'}}}
            """);

        Assert.Equal(TestJson.Sorted("{'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': 'c'}}"),
            TestJson.Sorted(ManifestSanitizer.SanitizeEnveloped(manifest)));
    }

    [Fact]
    public void SanitizeEnveloped_ServiceAndJob_KeepsClusterIpNodePortAndSelectorUnlikeTheHub()
    {
        var service = TestJson.Parse("""
            {'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'name': 's'},
             'spec': {'clusterIP': '10.0.0.1', 'clusterIPs': ['10.0.0.1'], 'ports': [{'port': 80, 'nodePort': 30080}]}}
            """);
        var job = TestJson.Parse("""
            {'apiVersion': 'batch/v1', 'kind': 'Job', 'metadata': {'name': 'j'},
             'spec': {'selector': {'matchLabels': {'batch.kubernetes.io/controller-uid': 'x'}}}}
            """);

        Assert.Equal(TestJson.Sorted(service), TestJson.Sorted(ManifestSanitizer.SanitizeEnveloped(service)));
        Assert.Equal(TestJson.Sorted(job), TestJson.Sorted(ManifestSanitizer.SanitizeEnveloped(job)));
    }

    [Fact]
    public void SanitizeEnveloped_Always_LeavesTheInputUntouched()
    {
        const string text = "{'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': 'c', 'uid': 'u'}, 'status': {}}";
        var manifest = TestJson.Parse(text);

        ManifestSanitizer.SanitizeEnveloped(manifest);

        Assert.Equal(TestJson.Sorted(text), TestJson.Sorted(manifest));
    }

    [Fact]
    public void PrepareForApply_HubAnnotations_RemovedOthersKept()
    {
        var manifest = TestJson.Parse("""
            {'apiVersion': 'v1', 'kind': 'ConfigMap',
             'metadata': {'name': 'c', 'uid': 'u', 'annotations': {'team': 'blue',
               'kubernetes-fleet.io/spec-hash': 'old', 'kubernetes-fleet.io/last-applied-configuration': '{}',
               'kubectl.kubernetes.io/last-applied-configuration': '{}'}},
             'data': {'k': 'v'}}
            """);

        var prepared = ManifestSanitizer.PrepareForApply(manifest);

        Assert.Equal(TestJson.Sorted("""
            {'apiVersion': 'v1', 'kind': 'ConfigMap',
             'metadata': {'name': 'c', 'uid': 'u', 'annotations': {'team': 'blue',
               'kubectl.kubernetes.io/last-applied-configuration': '{}'}},
             'data': {'k': 'v'}}
            """), TestJson.Sorted(prepared));
        Assert.NotNull(manifest["metadata"]!["annotations"]!["kubernetes-fleet.io/spec-hash"]);
    }

    [Fact]
    public void PrepareForApply_OnlyHubAnnotations_RemovesTheEmptyMap() =>
        Assert.Equal(TestJson.Sorted("{'kind': 'ConfigMap', 'metadata': {'name': 'c'}}"), TestJson.Sorted(ManifestSanitizer.PrepareForApply(
            TestJson.Parse("{'kind': 'ConfigMap', 'metadata': {'name': 'c', 'annotations': {'kubernetes-fleet.io/spec-hash': 'x'}}}"))));

    [Fact]
    public void SpecHash_Manifest_IsSha256HexOfTheSortedPreparedJson()
    {
        var manifest = TestJson.Parse("{'kind': 'ConfigMap', 'apiVersion': 'v1', 'metadata': {'name': 'c'}, 'data': {'b': '2', 'a': '1'}}");

        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            """{"apiVersion":"v1","data":{"a":"1","b":"2"},"kind":"ConfigMap","metadata":{"name":"c"}}""")));
        Assert.Equal(expected, ManifestSanitizer.SpecHash(manifest));
        Assert.Matches("^[0-9a-f]{64}$", expected);
    }

    [Fact]
    public void SpecHash_PropertyOrderOrHubAnnotationsDiffer_SameHash()
    {
        var plain = TestJson.Parse("{'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': 'c'}, 'data': {'a': '1', 'b': '2'}}");
        var reordered = TestJson.Parse("{'data': {'b': '2', 'a': '1'}, 'metadata': {'name': 'c'}, 'kind': 'ConfigMap', 'apiVersion': 'v1'}");
        var annotated = TestJson.Parse("""
            {'apiVersion': 'v1', 'kind': 'ConfigMap', 'data': {'a': '1', 'b': '2'},
             'metadata': {'name': 'c', 'annotations': {'kubernetes-fleet.io/spec-hash': 'old', 'kubernetes-fleet.io/last-applied-configuration': '{}'}}}
            """);

        var hash = ManifestSanitizer.SpecHash(plain);

        Assert.Equal(hash, ManifestSanitizer.SpecHash(reordered));
        Assert.Equal(hash, ManifestSanitizer.SpecHash(annotated));
        Assert.Equal(hash, ManifestSanitizer.SpecHash(ManifestSanitizer.PrepareForApply(annotated)));
    }

    [Fact]
    public void SpecHash_DataDiffers_DifferentHash() =>
        Assert.NotEqual(
            ManifestSanitizer.SpecHash(TestJson.Parse("{'kind': 'ConfigMap', 'metadata': {'name': 'c'}, 'data': {'a': '1'}}")),
            ManifestSanitizer.SpecHash(TestJson.Parse("{'kind': 'ConfigMap', 'metadata': {'name': 'c'}, 'data': {'a': '2'}}")));
}
