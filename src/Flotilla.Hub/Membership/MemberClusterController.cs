using System.Text.Json.Nodes;
using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Runtime;
using Flotilla.Runtime.Controllers;
using Flotilla.Runtime.Events;
using Microsoft.Extensions.Logging;

namespace Flotilla.Hub.Membership;

/// <summary>
/// The hub's MemberCluster controller (placement spec §8.1 join, §8.5 leave). For a MemberCluster that is not being
/// deleted it ensures the finalizer and member-name label, the <c>fleet-member-&lt;name&gt;</c> namespace, the Role and
/// RoleBinding for the member's identity and the InternalMemberCluster in state Join, then mirrors the IMC's status
/// into the MemberCluster's and aggregates <c>Joined</c>. For one being deleted it asks the agents to leave, waits for
/// them (or for the force-delete wait time), deletes the namespace and finally releases the MemberCluster.
/// </summary>
/// <remarks>
/// Reads MemberClusters, IMCs and fleet namespaces from informers; reads the Role and RoleBinding, and everything the
/// leave path decides on, from the server (a stale cache there would release a cluster too early). Writes only what
/// changed, so a reconcile of a settled cluster writes nothing.
/// </remarks>
internal sealed partial class MemberClusterReconciler : IReconciler<NamespacedName>
{
    /// <summary>How often a deleting MemberCluster looks at its terminating namespace again.</summary>
    internal static readonly TimeSpan TerminatingRecheck = TimeSpan.FromSeconds(1);

    /// <summary>After this long terminating, the namespace is reported as stuck.</summary>
    internal static readonly TimeSpan TerminatingTooLong = TimeSpan.FromMinutes(15);

    private const int StatusWriteAttempts = 5;

    /// <summary>The API default of <c>heartbeatPeriodSeconds</c>.</summary>
    private const int DefaultHeartbeatPeriodSeconds = 60;

    private readonly KubernetesClient _client;
    private readonly ResourceClient<MemberCluster> _clusters;
    private readonly ResourceClient<InternalMemberCluster> _imcs;
    private readonly ResourceClient<JsonObject> _namespaces;
    private readonly ResourceClient<JsonObject> _roles;
    private readonly ResourceClient<JsonObject> _roleBindings;
    private readonly Lister<MemberCluster> _clusterLister;
    private readonly Lister<InternalMemberCluster> _imcLister;
    private readonly Lister<JsonObject> _namespaceLister;
    private readonly IEventRecorder _events;
    private readonly MemberClusterControllerOptions _options;
    private readonly string[] _expectedAgents;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public MemberClusterReconciler(
        KubernetesClient client, Lister<MemberCluster> clusters, Lister<InternalMemberCluster> imcs, Lister<JsonObject> namespaces,
        IEventRecorder events, MemberClusterControllerOptions options, TimeProvider time, ILogger logger)
    {
        _client = client;
        _clusters = client.Resource(CustomResourceMappings.Of<MemberCluster>(), ClusterJsonContext.Default.MemberCluster);
        _imcs = client.Resource(CustomResourceMappings.Of<InternalMemberCluster>(), ClusterJsonContext.Default.InternalMemberCluster);
        _namespaces = client.Resource(HubMappings.Namespaces);
        _roles = client.Resource(HubMappings.Roles);
        _roleBindings = client.Resource(HubMappings.RoleBindings);
        _clusterLister = clusters;
        _imcLister = imcs;
        _namespaceLister = namespaces;
        _events = events;
        _options = options;
        _expectedAgents = ExpectedAgents(options.NetworkingAgentsEnabled);
        _time = time;
        _logger = logger;
    }

    /// <summary>The agents whose <c>Joined</c> makes a cluster joined: the member agent, plus the networking agents when enabled.</summary>
    internal static string[] ExpectedAgents(bool networkingAgentsEnabled) => networkingAgentsEnabled
        ? [AgentType.MemberAgent, AgentType.MultiClusterServiceAgent, AgentType.ServiceExportImportAgent]
        : [AgentType.MemberAgent];

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var mc = _clusterLister.Get(null, key.Name);
        if (mc is null)
        {
            MemberClusterLog.NotFound(_logger, key.Name);
            return ReconcileResult.Done;
        }
        return mc.Metadata.IsDeleting
            ? await LeaveAsync(mc, cancellationToken).ConfigureAwait(false)
            : await JoinAsync(mc, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>§8.1: everything the member needs on the hub, then the status.</summary>
    private async Task<ReconcileResult> JoinAsync(MemberCluster mc, CancellationToken cancellationToken)
    {
        mc = await EnsureFinalizerAndLabelAsync(mc, cancellationToken).ConfigureAwait(false);
        if (!await EnsureNamespaceAsync(mc, cancellationToken).ConfigureAwait(false))
        {
            // The namespace of an earlier MemberCluster of this name is still going away; nothing can be created in it.
            var terminating = ClusterApi.MemberNamespace(mc.Metadata.Name!);
            MemberClusterLog.NamespaceTerminating(_logger, terminating);
            return ReconcileResult.RequeueAfter(TerminatingRecheck);
        }
        await EnsureRoleAsync(mc, cancellationToken).ConfigureAwait(false);
        await EnsureRoleBindingAsync(mc, cancellationToken).ConfigureAwait(false);
        var imc = await EnsureInternalMemberClusterAsync(mc, ClusterState.Join, cancellationToken).ConfigureAwait(false);
        return await SyncStatusAsync(mc, imc, cancellationToken).ConfigureAwait(false) is null
            ? ReconcileResult.RequeueAfter(TimeSpan.Zero)
            : ReconcileResult.Done;
    }

    private async Task<MemberCluster> EnsureFinalizerAndLabelAsync(MemberCluster mc, CancellationToken cancellationToken)
    {
        var name = mc.Metadata.Name!;
        if (mc.Metadata.HasFinalizer(ClusterApi.MemberClusterFinalizer) && mc.Metadata.Label(ClusterApi.MemberNameLabel) == name)
        {
            return mc;
        }
        var finalizers = new JsonArray([.. (mc.Metadata.Finalizers ?? []).Select(f => (JsonNode)f)]);
        if (!mc.Metadata.HasFinalizer(ClusterApi.MemberClusterFinalizer))
        {
            finalizers.Add(ClusterApi.MemberClusterFinalizer);
        }
        // The resourceVersion makes the finalizer list a compare-and-swap: a concurrent change is not overwritten.
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = mc.Metadata.ResourceVersion,
                ["labels"] = new JsonObject { [ClusterApi.MemberNameLabel] = name },
                ["finalizers"] = finalizers,
            },
        };
        var updated = await _clusters.PatchAsync(name, Patch.Merge(patch), cancellationToken: cancellationToken).ConfigureAwait(false);
        MemberClusterLog.MetadataEnsured(_logger, name);
        return updated;
    }

    /// <summary>Creates the namespace when missing; false when it exists but is terminating.</summary>
    private async Task<bool> EnsureNamespaceAsync(MemberCluster mc, CancellationToken cancellationToken)
    {
        var name = ClusterApi.MemberNamespace(mc.Metadata.Name!);
        if (_namespaceLister.Get(null, name) is { } cached)
        {
            return !cached.IsDeleting();
        }
        try
        {
            await _namespaces.CreateAsync(MemberClusterResources.Namespace(mc), cancellationToken: cancellationToken).ConfigureAwait(false);
            MemberClusterLog.Created(_logger, "Namespace", null, name);
            Record(mc, MemberClusterEvents.NamespaceCreated, $"Namespace {name} was created");
            return true;
        }
        catch (ApiException e) when (e.IsAlreadyExists())
        {
            // Not cached yet, or not labelled as a fleet namespace (so not watched): the server decides.
            var existing = await _namespaces.GetAsync(name, cancellationToken).ConfigureAwait(false);
            return !existing.IsDeleting();
        }
    }

    private async Task EnsureRoleAsync(MemberCluster mc, CancellationToken cancellationToken)
    {
        var desired = MemberClusterResources.Role(mc);
        var ns = ClusterApi.MemberNamespace(mc.Metadata.Name!);
        var name = MemberClusterResources.RoleName(mc.Metadata.Name!);
        var roles = _roles.InNamespace(ns);
        var existing = await GetOrNullAsync(roles, name, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            await CreateIgnoringConflictAsync(roles, desired, cancellationToken).ConfigureAwait(false);
            MemberClusterLog.Created(_logger, "Role", ns, name);
            Record(mc, MemberClusterEvents.RoleCreated, $"Role {name} was created");
            return;
        }
        if (JsonNode.DeepEquals(existing["rules"], desired["rules"]))
        {
            return;
        }
        var updated = existing.DeepClone().AsObject();
        updated["rules"] = desired["rules"]!.DeepClone();
        await roles.UpdateAsync(updated, cancellationToken: cancellationToken).ConfigureAwait(false);
        MemberClusterLog.Updated(_logger, "Role", ns, name);
        Record(mc, MemberClusterEvents.RoleUpdated, $"Role {name} was updated");
    }

    private async Task EnsureRoleBindingAsync(MemberCluster mc, CancellationToken cancellationToken)
    {
        var desired = MemberClusterResources.RoleBinding(mc);
        var ns = ClusterApi.MemberNamespace(mc.Metadata.Name!);
        var name = MemberClusterResources.RoleBindingName(mc.Metadata.Name!);
        var bindings = _roleBindings.InNamespace(ns);
        var existing = await GetOrNullAsync(bindings, name, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            await CreateIgnoringConflictAsync(bindings, desired, cancellationToken).ConfigureAwait(false);
            MemberClusterLog.Created(_logger, "RoleBinding", ns, name);
            Record(mc, MemberClusterEvents.RoleBindingCreated, $"RoleBinding {name} was created");
            return;
        }
        if (JsonNode.DeepEquals(existing["subjects"], desired["subjects"]))
        {
            return;
        }
        // roleRef is immutable, and always names the Role this controller created: only the identity changes.
        var updated = existing.DeepClone().AsObject();
        updated["subjects"] = desired["subjects"]!.DeepClone();
        await bindings.UpdateAsync(updated, cancellationToken: cancellationToken).ConfigureAwait(false);
        MemberClusterLog.Updated(_logger, "RoleBinding", ns, name);
        Record(mc, MemberClusterEvents.RoleBindingUpdated, $"RoleBinding {name} was updated");
    }

    /// <summary>Creates the IMC or brings its spec (state, heartbeat period) in line; returns its latest known state.</summary>
    private async Task<InternalMemberCluster> EnsureInternalMemberClusterAsync(MemberCluster mc, string state, CancellationToken cancellationToken)
    {
        var name = mc.Metadata.Name!;
        var ns = ClusterApi.MemberNamespace(name);
        var imcs = _imcs.InNamespace(ns);
        var existing = _imcLister.Get(ns, name);
        if (existing is null)
        {
            try
            {
                var created = await imcs.CreateAsync(MemberClusterResources.InternalMemberCluster(mc, state), cancellationToken: cancellationToken).ConfigureAwait(false);
                MemberClusterLog.Created(_logger, "InternalMemberCluster", ns, name);
                Record(mc, MemberClusterEvents.InternalMemberClusterCreated, $"InternalMemberCluster {name} was created with state {state}");
                return created;
            }
            catch (ApiException e) when (e.IsAlreadyExists())
            {
                existing = await imcs.GetAsync(name, cancellationToken).ConfigureAwait(false);
            }
        }
        // Unset means the API default (60) on both sides: comparing raw values would rewrite the IMC forever when
        // only one of the two CRDs defaults it.
        if (existing.Spec.State == state && HeartbeatPeriod(existing.Spec.HeartbeatPeriodSeconds) == HeartbeatPeriod(mc.Spec.HeartbeatPeriodSeconds))
        {
            return existing;
        }
        var patch = new JsonObject
        {
            ["spec"] = new JsonObject { ["state"] = state, ["heartbeatPeriodSeconds"] = mc.Spec.HeartbeatPeriodSeconds },
        };
        var updated = await imcs.PatchAsync(name, Patch.Merge(patch), cancellationToken: cancellationToken).ConfigureAwait(false);
        MemberClusterLog.Updated(_logger, "InternalMemberCluster", ns, name);
        Record(mc, MemberClusterEvents.InternalMemberClusterSpecUpdated, $"InternalMemberCluster {name} spec was updated: state {state}");
        return updated;
    }

    private static int HeartbeatPeriod(int? seconds) => seconds ?? DefaultHeartbeatPeriodSeconds;

    /// <summary>
    /// Writes the status <see cref="MemberClusterStatusSync.Desired"/> gives, when it differs; on a write conflict
    /// re-reads the MemberCluster and tries again. Records an Event for each transition of ReadyToJoin and Joined.
    /// Null when the MemberCluster changed generation (or started deleting) since this reconcile began: what was
    /// ensured so far followed the old spec, so the status must not claim the new generation; reconcile again.
    /// </summary>
    private async Task<MemberClusterStatus?> SyncStatusAsync(MemberCluster mc, InternalMemberCluster? imc, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var desired = MemberClusterStatusSync.Desired(mc, imc, _expectedAgents, _time.GetUtcNow());
            if (MemberClusterStatusSync.SameOnTheWire(mc.Status, desired))
            {
                return desired;
            }
            var update = new MemberCluster
            {
                ApiVersion = ClusterApi.ApiVersion,
                Kind = "MemberCluster",
                Metadata = mc.Metadata,
                Spec = mc.Spec,
                Status = desired,
            };
            try
            {
                await _clusters.UpdateStatusAsync(update, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.IsConflict() && attempt < StatusWriteAttempts)
            {
                MemberClusterLog.StatusConflict(_logger, mc.Metadata.Name!, attempt);
                var fresh = await _clusters.GetAsync(mc.Metadata.Name!, cancellationToken).ConfigureAwait(false);
                if (fresh.Metadata.Generation != mc.Metadata.Generation || fresh.Metadata.IsDeleting != mc.Metadata.IsDeleting)
                {
                    return null;
                }
                mc = fresh;
                continue;
            }
            RecordTransitions(mc, mc.Status?.Conditions, desired.Conditions);
            return desired;
        }
    }

    private void RecordTransitions(MemberCluster mc, List<Condition>? before, List<Condition>? after)
    {
        foreach (var type in new[] { MemberClusterConditionType.ReadyToJoin, MemberClusterConditionType.Joined })
        {
            var previous = Conditions.Find(before, type);
            var current = Conditions.Find(after, type);
            if (current is null || previous?.Status == current.Status)
            {
                continue;
            }
            MemberClusterLog.ConditionChanged(_logger, mc.Metadata.Name!, type, current.Status, current.Reason);
            // Unknown is where every cluster starts and passes through; only arrivals are news.
            if (current.Status != ConditionStatus.Unknown)
            {
                Record(mc, current.Reason, current.Message);
            }
        }
    }

    private void Record(MemberCluster mc, string reason, string message) =>
        _events.Record(new ObjectReference
        {
            ApiVersion = ClusterApi.ApiVersion,
            Kind = "MemberCluster",
            Name = mc.Metadata.Name!,
            Uid = mc.Metadata.Uid,
        }, EventType.Normal, reason, message);

    private static async Task<JsonObject?> GetOrNullAsync(ResourceClient<JsonObject> client, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            return null;
        }
    }

    private static async Task CreateIgnoringConflictAsync(ResourceClient<JsonObject> client, JsonObject obj, CancellationToken cancellationToken)
    {
        try
        {
            await client.CreateAsync(obj, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsAlreadyExists())
        {
            // Created since the read: the next reconcile compares it.
        }
    }
}
