using Flotilla.Member.Work;

namespace Flotilla.Member.Tests.Work;

/// <summary>Drift and diff computation (placement spec §5.6).</summary>
public sealed class ObjectDiffTests
{
    private const string Redacted = "(redacted for security reasons)";

    [Fact]
    public void Normalize_LiveDeployment_RemovesEverythingTheComparisonIgnores()
    {
        var live = TestJson.Parse("""
            {'apiVersion': 'apps/v1', 'kind': 'Deployment',
             'metadata': {'name': 'web', 'namespace': 'app', 'generateName': 'w-', 'finalizers': ['f'],
               'labels': {'app': 'web', 'app.kubernetes.io/name': 'web', 'example.k8s.io/x': 'y', 'kubernetes-fleet.io/parent-CRP': 'p'},
               'annotations': {'team': 'blue', 'deployment.kubernetes.io/revision': '3', 'kubernetes-fleet.io/spec-hash': 'h'},
               'managedFields': [{'manager': 'm'}], 'ownerReferences': [{'kind': 'AppliedWork'}],
               'deletionTimestamp': '2026-01-01T00:00:00Z', 'deletionGracePeriodSeconds': 30, 'generation': 2,
               'resourceVersion': '9', 'selfLink': '/x', 'uid': 'u', 'creationTimestamp': '2026-01-01T00:00:00Z'},
             'spec': {'replicas': 2, 'template': {'metadata': {'creationTimestamp': null, 'labels': {'app': 'web'}}}},
             'status': {'replicas': 2}}
            """);

        Assert.Equal(TestJson.Sorted("""
            {'apiVersion': 'apps/v1', 'kind': 'Deployment',
             'metadata': {'labels': {'app': 'web'}, 'annotations': {'team': 'blue'}},
             'spec': {'replicas': 2, 'template': {'metadata': {'labels': {'app': 'web'}}}}}
            """), TestJson.Sorted(ObjectDiff.Normalize(live)));
    }

    [Fact]
    public void Normalize_CronJobTemplatesWithOnlyCreationTimestamp_RemovesTheEmptiedMetadata()
    {
        var cronJob = TestJson.Parse("""
            {'apiVersion': 'batch/v1', 'kind': 'CronJob', 'metadata': {'name': 'c', 'labels': {'kubernetes.io/x': 'y'}},
             'spec': {'jobTemplate': {'metadata': {'creationTimestamp': null},
               'spec': {'template': {'metadata': {'creationTimestamp': null}, 'spec': {'restartPolicy': 'Never'}}}}}}
            """);

        Assert.Equal(TestJson.Sorted("""
            {'apiVersion': 'batch/v1', 'kind': 'CronJob',
             'spec': {'jobTemplate': {'spec': {'template': {'spec': {'restartPolicy': 'Never'}}}}}}
            """), TestJson.Sorted(ObjectDiff.Normalize(cronJob)));
    }

    [Fact]
    public void Normalize_Always_LeavesTheInputUntouched()
    {
        const string text = "{'kind': 'ConfigMap', 'metadata': {'name': 'c', 'uid': 'u'}, 'status': {'x': 1}}";
        var obj = TestJson.Parse(text);

        ObjectDiff.Normalize(obj);

        Assert.Equal(TestJson.Sorted(text), TestJson.Sorted(obj));
    }

    [Fact]
    public void Compare_LiveObjectWithOnlyServerSideFields_NoDetails()
    {
        var hub = TestJson.Parse("""
            {'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': 'c', 'namespace': 'app', 'labels': {}}, 'data': {'k': 'v'}}
            """);
        var member = TestJson.Parse("""
            {'apiVersion': 'v1', 'kind': 'ConfigMap',
             'metadata': {'name': 'c', 'namespace': 'app', 'uid': 'u', 'resourceVersion': '5', 'creationTimestamp': '2026-01-01T00:00:00Z',
               'annotations': {'kubernetes-fleet.io/spec-hash': 'h'}, 'ownerReferences': [{'kind': 'AppliedWork', 'name': 'w'}],
               'managedFields': [{'manager': 'work-api-agent'}]},
             'data': {'k': 'v'}}
            """);

        Assert.Empty(ObjectDiff.Compare(hub, member));
    }

    public static TheoryData<string, string, string, (string, string?, string?)[]> Differences => new()
    {
        {
            "changed scalar",
            "{'spec': {'replicas': 3}}",
            "{'spec': {'replicas': 5}}",
            [("/spec/replicas", "3", "5")]
        },
        {
            "strings print unquoted, booleans as JSON",
            "{'spec': {'image': 'nginx:1', 'paused': true}}",
            "{'spec': {'image': 'nginx:2', 'paused': false}}",
            [("/spec/image", "nginx:1", "nginx:2"), ("/spec/paused", "true", "false")]
        },
        {
            "field only on the member",
            "{'data': {'a': '1'}}",
            "{'data': {'a': '1', 'b': '2'}}",
            [("/data/b", null, "2")]
        },
        {
            "field only in the hub",
            "{'data': {'a': '1', 'b': '2'}}",
            "{'data': {'a': '1'}}",
            [("/data/b", "2", null)]
        },
        {
            "missing subtree prints as compact JSON with sorted keys",
            "{'spec': {'strategy': {'type': 'Recreate', 'extra': [1, 2]}}}",
            "{'spec': {}}",
            [("/spec/strategy", "{\"extra\":[1,2],\"type\":\"Recreate\"}", null)]
        },
        {
            "type change is one detail at the field",
            "{'spec': {'ports': [80]}}",
            "{'spec': {'ports': {'http': 80}}}",
            [("/spec/ports", "[80]", "{\"http\":80}")]
        },
        {
            "array element changed, by index",
            "{'spec': {'args': ['a', 'b', 'c']}}",
            "{'spec': {'args': ['a', 'x', 'c']}}",
            [("/spec/args/1", "b", "x")]
        },
        {
            "extra array elements on the member",
            "{'spec': {'args': ['a']}}",
            "{'spec': {'args': ['a', 'b', {'c': 1}]}}",
            [("/spec/args/1", null, "b"), ("/spec/args/2", null, "{\"c\":1}")]
        },
        {
            "missing array elements on the member",
            "{'spec': {'args': ['a', 'b']}}",
            "{'spec': {'args': []}}",
            [("/spec/args/0", "a", null), ("/spec/args/1", "b", null)]
        },
        {
            "nested object inside an array",
            "{'spec': {'containers': [{'name': 'web', 'image': 'nginx:1'}]}}",
            "{'spec': {'containers': [{'name': 'web', 'image': 'nginx:2'}]}}",
            [("/spec/containers/0/image", "nginx:1", "nginx:2")]
        },
        {
            "pointer tokens escape ~ and /",
            "{'metadata': {'labels': {'example.com/tier': 'web', 'a~b': '1'}}}",
            "{'metadata': {'labels': {'example.com/tier': 'db', 'a~b': '2'}}}",
            [("/metadata/labels/a~0b", "1", "2"), ("/metadata/labels/example.com~1tier", "web", "db")]
        },
        {
            "a string and a number with the same text still differ",
            "{'data': {'n': '3'}}",
            "{'data': {'n': 3}}",
            [("/data/n", "3", "3")]
        },
        {
            "null is the same as absent",
            "{'spec': {'a': null, 'b': 1}}",
            "{'spec': {'b': 1, 'c': null}}",
            []
        },
        {
            "reserved labels and annotations never differ",
            "{'metadata': {'labels': {'app.kubernetes.io/name': 'web'}, 'annotations': {'kubernetes-fleet.io/x': '1'}}}",
            "{'metadata': {'labels': {'app.kubernetes.io/name': 'db', 'x.k8s.io/y': 'z'}}}",
            []
        },
        {
            "empty maps equal missing ones",
            "{'metadata': {'labels': {}, 'annotations': {}}, 'spec': {'template': {'metadata': {'creationTimestamp': null}}}}",
            "{'spec': {'template': {}}}",
            []
        },
        {
            "status never differs",
            "{'spec': {'replicas': 1}}",
            "{'spec': {'replicas': 1}, 'status': {'replicas': 0}}",
            []
        },
    };

    [Theory]
    [MemberData(nameof(Differences))]
    public void Compare_HubAndMember_OneDetailPerDifferingLeafOrSubtree(string name, string hub, string member, (string, string?, string?)[] expected)
    {
        Assert.NotEmpty(name);
        Assert.Equal(expected, TestJson.Tuples(ObjectDiff.Compare(TestJson.Parse(hub), TestJson.Parse(member))));
    }

    [Fact]
    public void Compare_Secret_DataValuesRedactedAbsenceKept()
    {
        var hub = TestJson.Parse("{'apiVersion': 'v1', 'kind': 'Secret', 'metadata': {'name': 's'}, 'type': 'Opaque', 'data': {'a': 'eA==', 'b': 'eQ=='}}");
        var member = TestJson.Parse("{'apiVersion': 'v1', 'kind': 'Secret', 'metadata': {'name': 's'}, 'type': 'kubernetes.io/tls', 'data': {'a': 'eg==', 'c': 'dw=='}}");

        (string, string?, string?)[] expected =
        [
            ("/data/a", Redacted, Redacted),
            ("/data/b", Redacted, null),
            ("/data/c", null, Redacted),
            ("/type", "Opaque", "kubernetes.io/tls"),
        ];
        Assert.Equal(expected, TestJson.Tuples(ObjectDiff.Compare(hub, member)));
    }

    [Fact]
    public void Compare_SecretWithoutDataOnTheMember_WholeMapRedacted()
    {
        var hub = TestJson.Parse("{'apiVersion': 'v1', 'kind': 'Secret', 'metadata': {'name': 's'}, 'stringData': {'a': 'x'}}");
        var member = TestJson.Parse("{'apiVersion': 'v1', 'kind': 'Secret', 'metadata': {'name': 's'}}");

        Assert.Equal([("/stringData", Redacted, (string?)null)], TestJson.Tuples(ObjectDiff.Compare(hub, member)));
    }

    [Fact]
    public void Compare_ConfigMapOrCustomSecret_DataNotRedacted()
    {
        var configMap = ObjectDiff.Compare(
            TestJson.Parse("{'apiVersion': 'v1', 'kind': 'ConfigMap', 'data': {'a': 'x'}}"),
            TestJson.Parse("{'apiVersion': 'v1', 'kind': 'ConfigMap', 'data': {'a': 'y'}}"));
        var customSecret = ObjectDiff.Compare(
            TestJson.Parse("{'apiVersion': 'example.com/v1', 'kind': 'Secret', 'data': {'a': 'x'}}"),
            TestJson.Parse("{'apiVersion': 'example.com/v1', 'kind': 'Secret', 'data': {'a': 'y'}}"));

        Assert.Equal([("/data/a", "x", (string?)"y")], TestJson.Tuples(configMap));
        Assert.Equal([("/data/a", "x", (string?)"y")], TestJson.Tuples(customSecret));
    }

    [Fact]
    public void Compare_MoreThanOneHundredDifferences_FirstHundredInPathOrder()
    {
        var hub = TestJson.Parse("{'kind': 'ConfigMap', 'data': {}}");
        var member = TestJson.Parse("{'kind': 'ConfigMap', 'data': {}}");
        // Inserted in reverse, so the order of the output comes from the comparison, not from the input.
        for (var i = 149; i >= 0; i--)
        {
            hub["data"]![$"k{i:D3}"] = "hub";
            member["data"]![$"k{i:D3}"] = "member";
        }

        var details = ObjectDiff.Compare(hub, member);

        Assert.Equal(ObjectDiff.MaxDetails, details.Count);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"/data/k{i:D3}"), details.Select(d => d.Path));
    }

    [Fact]
    public void Compare_ArrayIndicesAboveNine_OrderedNumerically()
    {
        var hub = TestJson.Parse("{'spec': {'args': ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']}}");
        var member = TestJson.Parse("{'spec': {'args': []}}");

        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"/spec/args/{i}"), ObjectDiff.Compare(hub, member).Select(d => d.Path));
    }

    [Fact]
    public void ComparePartial_DryRunEqualsLive_NoDetailsEvenWithUnmanagedFields()
    {
        var manifest = TestJson.Parse("{'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'name': 'web'}, 'spec': {'replicas': 2}}");
        var live = TestJson.Parse("""
            {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'name': 'web', 'resourceVersion': '7', 'generation': 3},
             'spec': {'replicas': 2, 'revisionHistoryLimit': 10}, 'status': {'replicas': 2}}
            """);
        // The dry run of a forced apply of the manifest leaves the unmanaged fields, and bumps nothing but metadata.
        var dryRun = TestJson.Parse("""
            {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'name': 'web', 'resourceVersion': '8', 'generation': 3},
             'spec': {'replicas': 2, 'revisionHistoryLimit': 10}, 'status': {'replicas': 2}}
            """);

        Assert.Empty(ObjectDiff.ComparePartial(manifest, dryRun, live));
    }

    [Fact]
    public void ComparePartial_ManagedFieldChangedOnTheMember_ReportedAsDryRunVersusLive()
    {
        var manifest = TestJson.Parse("{'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'name': 'web'}, 'spec': {'replicas': 2}}");
        var live = TestJson.Parse("{'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'name': 'web'}, 'spec': {'replicas': 5, 'paused': false}}");
        var dryRun = TestJson.Parse("{'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'name': 'web'}, 'spec': {'replicas': 2, 'paused': false}}");

        Assert.Equal([("/spec/replicas", "2", (string?)"5")], TestJson.Tuples(ObjectDiff.ComparePartial(manifest, dryRun, live)));
    }

    [Fact]
    public void ComparePartial_Secret_DataRedacted()
    {
        var manifest = TestJson.Parse("{'apiVersion': 'v1', 'kind': 'Secret', 'metadata': {'name': 's'}, 'data': {'a': 'eA=='}}");
        var live = TestJson.Parse("{'apiVersion': 'v1', 'kind': 'Secret', 'metadata': {'name': 's'}, 'data': {'a': 'eQ=='}}");

        Assert.Equal([("/data/a", Redacted, (string?)Redacted)], TestJson.Tuples(ObjectDiff.ComparePartial(manifest, manifest, live)));
    }
}
