using Flotilla.Api.Cluster;
using Flotilla.Api.Cluster.Admission;
using Flotilla.Api.Networking;

namespace Flotilla.Api.Tests.Cluster;

public sealed class MemberClusterValidatorTests
{
    private const string Denied = "admission webhook \"fleet.membercluster.validating\" denied the request: ";
    private const string NameRule = "Invalid value: \"object\": metadata.name max length is 63";
    private const string KeyRule =
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', 'my.name', or '123-abc')";
    private const string ValueRule =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', 'my_value', or '12345')";

    [Fact]
    public void ValidateCreate_ValidCluster_IsAllowed()
    {
        var cluster = Cluster(taints: [Taint("env", "prod"), Taint("example.com/team", ""), Taint("env", "dev")]);

        Assert.True(MemberClusterValidator.ValidateCreate(cluster).IsAllowed);
    }

    [Theory]
    [InlineData(63, true)]
    [InlineData(64, false)]
    public void ValidateCreate_NameLength_FollowsCelRule(int length, bool allowed)
    {
        var result = MemberClusterValidator.ValidateCreate(Cluster(name: new string('m', length)));

        Assert.Equal(allowed, result.IsAllowed);
        if (!allowed)
        {
            var cause = Assert.Single(result.FieldErrors);
            Assert.Equal(("FieldValueInvalid", "<nil>", NameRule), (cause.Reason, cause.Field, cause.Message));
            Assert.Equal(422, result.ToException("MemberCluster", ClusterApi.Group, "m")!.Code);
        }
    }

    public static TheoryData<string, List<Taint>, string> DeniedTaints() => new()
    {
        {
            "key with a space",
            [Taint("bad key", "v")],
            "invalid key bad key specified for taint {Key:bad key Value:v Effect:NoSchedule}: " + KeyRule
        },
        {
            "empty key",
            [Taint("", "v")],
            "invalid key  specified for taint {Key: Value:v Effect:NoSchedule}: name part must be non-empty"
        },
        {
            "bad prefix",
            [Taint("Example.com/k", "v")],
            "invalid key Example.com/k specified for taint {Key:Example.com/k Value:v Effect:NoSchedule}: prefix part must be a lowercase RFC 1123 subdomain: lower case alphanumeric characters, '-' or '.', starting and ending with an alphanumeric character (e.g. 'example.com')"
        },
        {
            "bad value",
            [Taint("k", "-v")],
            "invalid value -v specified for taint {Key:k Value:-v Effect:NoSchedule}: " + ValueRule
        },
        {
            "value too long",
            [Taint("k", new string('v', 64))],
            $"invalid value {new string('v', 64)} specified for taint {{Key:k Value:{new string('v', 64)} Effect:NoSchedule}}: must be no more than 63 characters"
        },
        {
            "duplicate",
            [Taint("k", "v"), Taint("k", "v")],
            "taint {Key:k Value:v Effect:NoSchedule} already exists, taints must be unique"
        },
        {
            "several problems, aggregated",
            [Taint("bad key", "v"), Taint("k", "v"), Taint("k", "v")],
            "[invalid key bad key specified for taint {Key:bad key Value:v Effect:NoSchedule}: " + KeyRule
                + ", taint {Key:k Value:v Effect:NoSchedule} already exists, taints must be unique]"
        },
    };

    [Theory]
    [MemberData(nameof(DeniedTaints))]
    public void ValidateCreate_InvalidTaints_IsDeniedByWebhook(string why, List<Taint> taints, string expected)
    {
        var result = MemberClusterValidator.ValidateCreate(Cluster(taints: taints));

        Assert.True(result.IsDenied, why);
        Assert.Equal(expected, result.Denial);
        var error = result.ToException("MemberCluster", ClusterApi.Group, "member-1")!;
        Assert.Equal((403, Denied + expected), (error.Code, error.Message));
    }

    [Fact]
    public void ValidateUpdate_InvalidTaintAdded_IsDenied()
    {
        var old = Cluster();
        var updated = Cluster(taints: [Taint("k", "v"), Taint("k", "v")]);

        var result = MemberClusterValidator.ValidateUpdate(old, updated);

        Assert.Equal("taint {Key:k Value:v Effect:NoSchedule} already exists, taints must be unique", result.Denial);
    }

    [Fact]
    public void ValidateCreate_CelViolationAndBadTaint_ReportsOnlyTheCelViolation()
    {
        // A real API server stops at schema/CEL errors; the webhook is never called.
        var result = MemberClusterValidator.ValidateCreate(Cluster(name: new string('m', 64), taints: [Taint("bad key", "v")]));

        Assert.True(result.IsInvalid);
        Assert.False(result.IsDenied);
    }

    public static TheoryData<string, string?, bool, InternalServiceExport[], string?> Deletions() => new()
    {
        { "no exports", null, true, [], null },
        {
            "default mode with an export",
            null, true, [Export("work", "app")],
            "Please delete serviceExport work/app in the member cluster before leaving, request is denied"
        },
        {
            "strict mode names the first remaining export",
            DeleteValidationMode.Strict, true, [Export("work", "app", deleting: true), Export("shop", "cart"), Export("work", "web")],
            "Please delete serviceExport shop/cart in the member cluster before leaving, request is denied"
        },
        { "only exports being deleted", DeleteValidationMode.Strict, true, [Export("work", "app", deleting: true)], null },
        { "skip mode", DeleteValidationMode.Skip, true, [Export("work", "app")], null },
        { "networking agents disabled", DeleteValidationMode.Strict, false, [Export("work", "app")], null },
    };

    [Theory]
    [MemberData(nameof(Deletions))]
    public void ValidateDelete_ExportsInClusterNamespace_DeniesWhileStrict(string why, string? mode, bool networking, InternalServiceExport[] exports, string? denial)
    {
        var cluster = Cluster(mode: mode);

        var result = MemberClusterValidator.ValidateDelete(cluster, exports, networking);

        Assert.True(denial is null ? result.IsAllowed : result.IsDenied, why);
        Assert.Equal(denial, result.Denial);
        if (denial is not null)
        {
            Assert.Equal(Denied + denial, result.ToException("MemberCluster", ClusterApi.Group, "member-1")!.Message);
        }
    }

    private static MemberCluster Cluster(string name = "member-1", List<Taint>? taints = null, string? mode = null) => new()
    {
        ApiVersion = ClusterApi.ApiVersion,
        Kind = "MemberCluster",
        Metadata = new() { Name = name },
        Spec = new()
        {
            Identity = new Subject { Kind = "ServiceAccount", Name = "fleet-member-agent-member-1", Namespace = "fleet-system" },
            HeartbeatPeriodSeconds = 60,
            Taints = taints,
            DeleteOptions = mode is null ? null : new DeleteOptions { ValidationMode = mode },
        },
    };

    private static Taint Taint(string key, string value, string effect = TaintEffect.NoSchedule) => new() { Key = key, Value = value, Effect = effect };

    private static InternalServiceExport Export(string ns, string name, bool deleting = false) => new()
    {
        Metadata = new()
        {
            Name = NetworkingApi.InternalServiceExportName(ns, name),
            Namespace = NetworkingApi.ClusterNamespace("member-1"),
            DeletionTimestamp = deleting ? DateTimeOffset.UnixEpoch : null,
        },
        Spec = new()
        {
            ServiceReference = new() { ClusterId = "member-1", Kind = "Service", Namespace = ns, Name = name, NamespacedName = NetworkingApi.NamespacedName(ns, name) },
        },
    };
}
