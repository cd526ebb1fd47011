using Flotilla.Api.Networking;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Runtime.Controllers;
using Flotilla.Runtime.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using NamespacedName = Flotilla.Runtime.NamespacedName;

namespace Flotilla.Member.Networking;

/// <summary>
/// The member side of multi-cluster networking that the member agent runs (networking spec §2): the ServiceExport
/// controller and the report-back of the hub's conflict verdicts.
/// </summary>
internal static class MemberNetworking
{
    public static IReadOnlyList<IHostedService> Controllers(
        string clusterId, SharedInformerFactory hubInformers, SharedInformerFactory memberInformers, KubernetesClient hub, KubernetesClient member,
        IEventRecorder memberEvents, TimeSpan cacheSyncTimeout, TimeProvider time, ILoggerFactory loggers)
    {
        var exports = memberInformers.For(CustomResourceMappings.Of<ServiceExport>(), NetworkingJsonContext.Default.ServiceExport);
        var services = memberInformers.For(new ResourceMapping("", "v1", "services", "Service", namespaced: true));
        var hubExports = hubInformers.For(CustomResourceMappings.Of<InternalServiceExport>(), NetworkingJsonContext.Default.InternalServiceExport,
            NetworkingApi.ClusterNamespace(clusterId));

        var exportController = new Controller<NamespacedName>("serviceexport",
            new ServiceExportReconciler(clusterId, exports.Lister, services.Lister, member, hub, memberEvents, time),
            new ControllerOptions { Time = time, LoggerFactory = loggers });
        var reportController = new Controller<NamespacedName>("internalserviceexport",
            new ExportConflictReporter(hubExports.Lister,
                hub.Resource(CustomResourceMappings.Of<InternalServiceExport>(), NetworkingJsonContext.Default.InternalServiceExport), member, memberEvents, time),
            new ControllerOptions { Time = time, LoggerFactory = loggers });

        // §2.1: a Service and its ServiceExport share the key.
        var exportQueue = exportController.Queue;
        exports.AddEventHandler(onAdd: e => exportQueue.Add(Key(e.Metadata.Namespace, e.Metadata.Name)), onUpdate: (_, e) => exportQueue.Add(Key(e.Metadata.Namespace, e.Metadata.Name)),
            onDelete: d => exportQueue.Add(Key(d.Object.Metadata.Namespace, d.Object.Metadata.Name)));
        services.AddEventHandler(onAdd: s => exportQueue.Add(Key(Api.Unstructured.Obj.Namespace(s), Api.Unstructured.Obj.Name(s))),
            onUpdate: (_, s) => exportQueue.Add(Key(Api.Unstructured.Obj.Namespace(s), Api.Unstructured.Obj.Name(s))),
            onDelete: d => exportQueue.Add(Key(Api.Unstructured.Obj.Namespace(d.Object), Api.Unstructured.Obj.Name(d.Object))));
        var reportQueue = reportController.Queue;
        hubExports.AddEventHandler(onAdd: e => reportQueue.Add(Key(e.Metadata.Namespace, e.Metadata.Name)), onUpdate: (_, e) => reportQueue.Add(Key(e.Metadata.Namespace, e.Metadata.Name)));
        return
        [
            new CacheSyncedController<NamespacedName>(exportController, [exports, services], cacheSyncTimeout, time, loggers),
            new CacheSyncedController<NamespacedName>(reportController, [hubExports], cacheSyncTimeout, time, loggers),
        ];

        static NamespacedName Key(string? ns, string? name) => new(ns ?? "", name ?? "");
    }
}
