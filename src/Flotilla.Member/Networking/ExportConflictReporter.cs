using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Networking;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Runtime.Controllers;
using Flotilla.Runtime.Events;

using NamespacedName = Flotilla.Runtime.NamespacedName;

namespace Flotilla.Member.Networking;

/// <summary>
/// The member InternalServiceExport controller (networking spec §2.10): copies the hub's conflict verdict on this
/// member's InternalServiceExport back to the member's ServiceExport, and deletes hub exports whose ServiceExport is
/// gone. Unlike upstream, it writes only when the desired condition differs from the member's (upstream compares the
/// hub's condition, generation included, and so rewrites status and re-emits the event on every pass).
/// </summary>
internal sealed class ExportConflictReporter : IReconciler<NamespacedName>
{
    private readonly Lister<InternalServiceExport> _hubExports;
    private readonly ResourceClient<InternalServiceExport> _hubClient;
    private readonly ResourceClient<ServiceExport> _memberExports;
    private readonly IEventRecorder _events;
    private readonly TimeProvider _time;

    public ExportConflictReporter(Lister<InternalServiceExport> hubExports, ResourceClient<InternalServiceExport> hubClient, KubernetesClient member,
        IEventRecorder events, TimeProvider time)
    {
        _hubExports = hubExports;
        _hubClient = hubClient;
        _memberExports = member.Resource(CustomResourceMappings.Of<ServiceExport>(), NetworkingJsonContext.Default.ServiceExport);
        _events = events;
        _time = time;
    }

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var hubExport = _hubExports.Get(key.Namespace, key.Name);
        if (hubExport is null || hubExport.Metadata.IsDeleting)
        {
            return ReconcileResult.Done;
        }
        var reference = hubExport.Spec.ServiceReference;
        ServiceExport export;
        try
        {
            export = await _memberExports.InNamespace(reference.Namespace).GetAsync(reference.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            // A dangling export: its ServiceExport went without unexporting (its finalizer was removed by hand).
            try
            {
                await _hubClient.InNamespace(key.Namespace).DeleteAsync(key.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (ApiException gone) when (gone.IsNotFound())
            {
            }
            return ReconcileResult.Done;
        }
        var verdict = Conditions.Find(hubExport.Status?.Conditions, ServiceExportConditions.Conflict);
        if (verdict is null)
        {
            return ReconcileResult.Done;
        }
        var conditions = export.Status?.Conditions?.Select(c => c.Clone()).ToList() ?? [];
        var changed = Conditions.Set(conditions, new Condition
        {
            Type = ServiceExportConditions.Conflict,
            Status = verdict.Status,
            Reason = verdict.Reason,
            Message = verdict.Message,
            ObservedGeneration = export.Metadata.Generation,
        }, _time.GetUtcNow());
        if (!changed)
        {
            return ReconcileResult.Done;
        }
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = export.Metadata.ResourceVersion },
            ["status"] = JsonSerializer.SerializeToNode(new ServiceExportStatus { Conditions = conditions }, NetworkingJsonContext.Default.ServiceExportStatus),
        };
        try
        {
            await _memberExports.InNamespace(export.Metadata.Namespace).PatchStatusAsync(export.Metadata.Name!, Patch.Merge(patch), cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsConflict())
        {
            return ReconcileResult.Requeue;
        }
        if (verdict.IsTrue)
        {
            _events.Record(ServiceExportReconciler.EventReference(export), EventType.Warning, "ServiceExportConflictFound",
                $"Service {export.Metadata.Name} is in conflict with other exported services");
        }
        else if (verdict.IsFalse)
        {
            _events.Record(ServiceExportReconciler.EventReference(export), EventType.Normal, "NoServiceExportConflictFound",
                $"Service {export.Metadata.Name} is exported without conflict");
        }
        return ReconcileResult.Done;
    }
}
