using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Client;
using Flotilla.Testing;

namespace Flotilla.IntegrationTests.Explain;

/// <summary>
/// A hub API server (fleet CRDs and admission, no controllers) with five MemberClusters whose statuses are written
/// directly, so every scheduling outcome is on show:
/// <list type="bullet">
/// <item>member-1: region=eastus, env=prod; joined, healthy.</item>
/// <item>member-2: region=westus, env=prod; joined, healthy.</item>
/// <item>member-3: region=eastus, env=dev; joined, healthy; tainted dedicated=gpu:NoSchedule.</item>
/// <item>member-4: region=westus, env=prod; heartbeating but not joined.</item>
/// <item>member-5: region=centralus, env=staging; joined, healthy; property example.com/score is "high" (not a quantity).</item>
/// </list>
/// <c>flotilla explain</c> runs as a real process against it.
/// </summary>
public sealed class ExplainFleet : IAsyncLifetime
{
    private TestApiServer? _hub;

    public TestApiServer Hub => _hub ?? throw new InvalidOperationException("the fleet is not started");

    public KubernetesClient Client { get; private set; } = null!;

    public string Kubeconfig => Hub.Host.KubeconfigPath;

    public async Task InitializeAsync()
    {
        _hub = await TestApiServer.StartAsync(features: TestServerFeatures.Hub);
        Client = KubernetesClient.FromKubeConfigFile(Kubeconfig);
        await CreateMemberAsync("member-1", new() { ["region"] = "eastus", ["env"] = "prod" }, joined: true);
        await CreateMemberAsync("member-2", new() { ["region"] = "westus", ["env"] = "prod" }, joined: true);
        await CreateMemberAsync("member-3", new() { ["region"] = "eastus", ["env"] = "dev" }, joined: true,
            taint: new Taint { Key = "dedicated", Value = "gpu", Effect = TaintEffect.NoSchedule });
        await CreateMemberAsync("member-4", new() { ["region"] = "westus", ["env"] = "prod" }, joined: false);
        // A property value that is not a quantity: any policy that reads it cannot be scheduled.
        await CreateMemberAsync("member-5", new() { ["region"] = "centralus", ["env"] = "staging" }, joined: true, badProperty: ("example.com/score", "high"));
    }

    public async Task DisposeAsync()
    {
        if (_hub is not null)
        {
            await _hub.DisposeAsync();
        }
    }

    /// <summary>Runs <c>flotilla explain ARGS --kubeconfig HUB</c> (or with <c>KUBECONFIG</c> set, when <paramref name="viaEnvironment"/>).</summary>
    public Task<ProcessResult> ExplainAsync(IEnumerable<string> arguments, string? standardInput = null, bool viaEnvironment = false)
    {
        var environment = new Dictionary<string, string>();
        List<string> args = ["explain", .. arguments];
        if (viaEnvironment)
        {
            environment["KUBECONFIG"] = Kubeconfig;
        }
        else
        {
            args.AddRange(["--kubeconfig", Kubeconfig]);
        }
        return FlotillaProcess.RunAsync(args, TimeSpan.FromSeconds(60), environment, standardInput ?? "");
    }

    /// <summary>Writes <paramref name="manifest"/> to a file and runs <c>flotilla explain -f FILE ARGS</c>.</summary>
    public async Task<ProcessResult> DryRunAsync(string manifest, params string[] arguments)
    {
        var file = Path.Combine(Hub.DataDirectory, $"placement-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, manifest);
        return await ExplainAsync(["-f", file, .. arguments]);
    }

    public ResourceClient<ClusterResourcePlacement> Crps =>
        Client.Resource(CustomResourceMappings.Of<ClusterResourcePlacement>(), PlacementJsonContext.Default.ClusterResourcePlacement);

    public ResourceClient<ClusterSchedulingPolicySnapshot> PolicySnapshots =>
        Client.Resource(CustomResourceMappings.Of<ClusterSchedulingPolicySnapshot>(), PlacementJsonContext.Default.ClusterSchedulingPolicySnapshot);

    public ResourceClient<ClusterResourceBinding> Bindings =>
        Client.Resource(CustomResourceMappings.Of<ClusterResourceBinding>(), PlacementJsonContext.Default.ClusterResourceBinding);

    public ResourceClient<ResourcePlacement> Rps(string ns) =>
        Client.Resource(CustomResourceMappings.Of<ResourcePlacement>(), PlacementJsonContext.Default.ResourcePlacement).InNamespace(ns);

    public ResourceClient<SchedulingPolicySnapshot> NamespacedPolicySnapshots(string ns) =>
        Client.Resource(CustomResourceMappings.Of<SchedulingPolicySnapshot>(), PlacementJsonContext.Default.SchedulingPolicySnapshot).InNamespace(ns);

    public ResourceClient<ResourceBinding> NamespacedBindings(string ns) =>
        Client.Resource(CustomResourceMappings.Of<ResourceBinding>(), PlacementJsonContext.Default.ResourceBinding).InNamespace(ns);

    /// <summary>A placement's policy snapshot as the placement controller writes it (placement spec §2.1), then its status.</summary>
    public static T PolicySnapshot<T>(string placement, int index, PlacementPolicy? policy, long placementGeneration, string? ns = null)
        where T : KubeObject, IPolicySnapshot, new()
    {
        var snapshot = new T
        {
            ApiVersion = PlacementApi.ApiVersion,
            Kind = typeof(T).Name,
            Metadata = new ObjectMeta
            {
                Name = PlacementApi.PolicySnapshotName(placement, index),
                Namespace = ns,
                Labels = new()
                {
                    [PlacementApi.ParentPlacementLabel] = placement,
                    [PlacementApi.IsLatestSnapshotLabel] = "true",
                    [PlacementApi.PolicyIndexLabel] = index.ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
                Annotations = new() { [PlacementApi.PlacementGenerationAnnotation] = placementGeneration.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            },
        };
        if (policy?.PlacementType == PlacementType.PickN)
        {
            snapshot.Metadata.Annotations[PlacementApi.NumberOfClustersAnnotation] = policy.NumberOfClusters!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        snapshot.Spec.Policy = policy;
        snapshot.Spec.PolicyHash = Convert.ToBase64String("0123456789abcdef"u8.ToArray());
        return snapshot;
    }

    /// <summary>A binding as the scheduler writes it (placement spec §2.3).</summary>
    public static T Binding<T>(string placement, string cluster, string state, string snapshot, ClusterDecision decision, string? ns = null)
        where T : KubeObject, IBinding, new()
    {
        var binding = new T
        {
            ApiVersion = PlacementApi.ApiVersion,
            Kind = typeof(T).Name,
            Metadata = new ObjectMeta
            {
                Name = $"{placement}-{cluster}-{Guid.NewGuid().ToString("N")[..8]}",
                Namespace = ns,
                Labels = new() { [PlacementApi.ParentPlacementLabel] = placement },
                Finalizers = [PlacementApi.SchedulerBindingCleanupFinalizer],
            },
        };
        binding.Spec.State = state;
        binding.Spec.TargetCluster = cluster;
        binding.Spec.SchedulingPolicySnapshotName = snapshot;
        binding.Spec.ClusterDecision = decision;
        return binding;
    }

    public static Condition Condition(string type, bool status, string reason, string message = "", long? observedGeneration = null) => new()
    {
        Type = type,
        Status = status ? ConditionStatus.True : ConditionStatus.False,
        Reason = reason,
        Message = message,
        ObservedGeneration = observedGeneration,
        LastTransitionTime = DateTimeOffset.UtcNow.AddMinutes(-10),
    };

    private async Task CreateMemberAsync(string name, Dictionary<string, string> labels, bool joined, Taint? taint = null, (string Name, string Value)? badProperty = null)
    {
        var members = Client.Resource(CustomResourceMappings.Of<MemberCluster>(), ClusterJsonContext.Default.MemberCluster);
        var created = await members.CreateAsync(new MemberCluster
        {
            ApiVersion = ClusterApi.ApiVersion,
            Kind = "MemberCluster",
            Metadata = new ObjectMeta { Name = name, Labels = labels },
            Spec = new MemberClusterSpec
            {
                Identity = new Subject { Kind = "User", Name = name, ApiGroup = "rbac.authorization.k8s.io" },
                Taints = taint is null ? null : [taint],
            },
        });
        var now = DateTimeOffset.UtcNow;
        created.Status = new MemberClusterStatus
        {
            Conditions =
            [
                Condition(MemberClusterConditionType.ReadyToJoin, true, "ReadyToJoin"),
                Condition(MemberClusterConditionType.Joined, joined, joined ? "MemberClusterJoined" : "MemberClusterNotJoined"),
            ],
            Properties = new() { [ClusterApi.NodeCountProperty] = new PropertyValue { Value = "3", ObservationTime = now } },
            AgentStatus =
            [
                new AgentStatus
                {
                    Type = AgentType.MemberAgent,
                    LastReceivedHeartbeat = now,
                    Conditions =
                    [
                        Condition(MemberClusterConditionType.Joined, joined, joined ? "JoinSucceeded" : "LeaveSucceeded"),
                        Condition(MemberClusterConditionType.Healthy, true, "HealthCheckSucceeded"),
                    ],
                },
            ],
        };
        if (badProperty is var (property, value))
        {
            created.Status.Properties[property] = new PropertyValue { Value = value, ObservationTime = now };
        }
        await members.UpdateStatusAsync(created);
    }
}
