using System.Text.Json.Nodes;
using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Runtime.Controllers;

namespace Flotilla.Hub.Membership;

/// <summary>§8.5: leaving the fleet when a MemberCluster is deleted.</summary>
internal sealed partial class MemberClusterReconciler
{
    /// <summary>
    /// While the finalizer holds the MemberCluster: once the namespace is gone, release it; while the namespace
    /// terminates, look again every second; otherwise ask the agents to leave (IMC state Leave) and clean up when they
    /// report Joined False, or when the force-delete wait time has passed since the deletion.
    /// </summary>
    private async Task<ReconcileResult> LeaveAsync(MemberCluster mc, CancellationToken cancellationToken)
    {
        var name = mc.Metadata.Name!;
        if (!mc.Metadata.HasFinalizer(ClusterApi.MemberClusterFinalizer))
        {
            return ReconcileResult.Done;
        }
        var nsName = ClusterApi.MemberNamespace(name);
        var ns = await GetOrNullAsync(_namespaces, nsName, cancellationToken).ConfigureAwait(false);
        if (ns is null)
        {
            await RemoveFinalizerAsync(mc, cancellationToken).ConfigureAwait(false);
            MemberClusterLog.FinalizerRemoved(_logger, nsName, name);
            return ReconcileResult.Done;
        }
        var now = _time.GetUtcNow();
        if (ns.IsDeleting())
        {
            var since = Obj.ParseTime(ns.Metadata().GetString("deletionTimestamp"));
            if (since is { } started && now - started > TerminatingTooLong)
            {
                MemberClusterLog.NamespaceStuck(_logger, nsName, now - started);
            }
            else
            {
                MemberClusterLog.NamespaceTerminating(_logger, nsName);
            }
            return ReconcileResult.RequeueAfter(TerminatingRecheck);
        }

        var imc = await GetOrNullAsync(_imcs.InNamespace(nsName), name, cancellationToken).ConfigureAwait(false);
        if (imc is null)
        {
            await GarbageCollectAsync(mc, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.RequeueAfter(TerminatingRecheck);
        }
        if (await SyncStatusAsync(mc, imc, cancellationToken).ConfigureAwait(false) is not { } status)
        {
            return ReconcileResult.RequeueAfter(TimeSpan.Zero);
        }
        if (Conditions.Find(status.Conditions, MemberClusterConditionType.Joined) is { IsFalse: true })
        {
            await GarbageCollectAsync(mc, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.RequeueAfter(TerminatingRecheck);
        }
        var deleting = now - (mc.Metadata.DeletionTimestamp ?? now);
        if (imc.Spec.State == ClusterState.Leave && deleting >= _options.ForceDeleteWaitTime)
        {
            MemberClusterLog.ForceDeleting(_logger, name, deleting);
            Record(mc, MemberClusterEvents.ForceDeleted,
                $"The member agents did not report leaving within {_options.ForceDeleteWaitTime}; the hub removes the member cluster's resources without them");
            await GarbageCollectAsync(mc, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.RequeueAfter(TerminatingRecheck);
        }
        await EnsureInternalMemberClusterAsync(mc, ClusterState.Leave, cancellationToken).ConfigureAwait(false);
        // Come back when the wait is over (agents reporting sooner re-enqueue through the IMC informer).
        var remaining = _options.ForceDeleteWaitTime - deleting;
        if (remaining < TerminatingRecheck)
        {
            remaining = TerminatingRecheck;
        }
        MemberClusterLog.AskedToLeave(_logger, name, remaining);
        return ReconcileResult.RequeueAfter(remaining);
    }

    /// <summary>
    /// Removes every finalizer of every Work in the cluster's namespace, so that deleting the namespace cannot hang on
    /// a member that will never answer, then deletes the namespace: it takes the IMC, Role, RoleBinding and Works with it.
    /// </summary>
    private async Task GarbageCollectAsync(MemberCluster mc, CancellationToken cancellationToken)
    {
        var nsName = ClusterApi.MemberNamespace(mc.Metadata.Name!);
        var stripped = 0;
        var client = _client.Resource(CustomResourceMappings.Of<Work>()).InNamespace(nsName);
        var list = await client.ListAllAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var work in list.Items.Where(w => w.Finalizers().Count > 0))
        {
            try
            {
                var patch = new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = null } };
                await client.PatchAsync(work.Name(), Patch.Merge(patch), cancellationToken: cancellationToken).ConfigureAwait(false);
                stripped++;
            }
            catch (ApiException e) when (e.IsNotFound())
            {
                // Gone already.
            }
        }
        MemberClusterLog.GarbageCollecting(_logger, mc.Metadata.Name!, stripped, nsName);
        try
        {
            await _namespaces.DeleteAsync(nsName, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            // Gone already: the next reconcile releases the MemberCluster.
        }
    }

    private async Task RemoveFinalizerAsync(MemberCluster mc, CancellationToken cancellationToken)
    {
        var remaining = (mc.Metadata.Finalizers ?? []).Where(f => f != ClusterApi.MemberClusterFinalizer).Select(f => (JsonNode)f);
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = mc.Metadata.ResourceVersion,
                ["finalizers"] = new JsonArray([.. remaining]),
            },
        };
        try
        {
            await _clusters.PatchAsync(mc.Metadata.Name!, Patch.Merge(patch), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            // Released by someone else.
        }
    }

    private static async Task<InternalMemberCluster?> GetOrNullAsync(ResourceClient<InternalMemberCluster> client, string name, CancellationToken cancellationToken)
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
}
