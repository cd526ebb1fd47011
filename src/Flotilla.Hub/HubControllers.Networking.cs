using Flotilla.Api.Networking;
using Flotilla.Client;
using Flotilla.Hub.Networking;
using Flotilla.Runtime.Controllers;
using Flotilla.Runtime.Events;
using Microsoft.Extensions.Hosting;

using NamespacedName = Flotilla.Runtime.NamespacedName;

namespace Flotilla.Hub;

/// <summary>
/// The hub side of multi-cluster networking: export admission, conflicts and ServiceImport resolution (networking
/// spec §3), endpoint distribution (§4.3) and import arbitration (§5.6).
/// </summary>
public sealed partial class HubControllers
{
    private IEnumerable<IHostedService> NetworkingControllers(IEventRecorder events)
    {
        var exports = Informers.For(CustomResourceMappings.Of<InternalServiceExport>(), NetworkingJsonContext.Default.InternalServiceExport);
        var imports = Informers.For(CustomResourceMappings.Of<ServiceImport>(), NetworkingJsonContext.Default.ServiceImport);
        var loggers = _options.LoggerFactory;
        var exportController = new Controller<NamespacedName>("internalserviceexport",
            new InternalServiceExportReconciler(exports.Lister, _options.Client, _options.Time),
            new ControllerOptions { Time = _options.Time, LoggerFactory = loggers });
        var importController = new Controller<NamespacedName>("serviceimport",
            new ServiceImportResolver(imports.Lister, exports.Lister, _options.Client, events, _options.Time),
            new ControllerOptions { Time = _options.Time, LoggerFactory = loggers });

        var exportQueue = exportController.Queue;
        var importQueue = importController.Queue;
        // An export changing may let its unresolved ServiceImport resolve; every export of a service looks again when
        // its ServiceImport changes (a resolution, a cluster leaving).
        exports.AddEventHandler(
            onAdd: e => { exportQueue.Add(Key(e)); importQueue.Add(ImportKey(e)); },
            onUpdate: (_, e) => { exportQueue.Add(Key(e)); importQueue.Add(ImportKey(e)); },
            onDelete: d => importQueue.Add(ImportKey(d.Object)));
        imports.AddEventHandler(
            onAdd: i => importQueue.Add(Key(i)),
            onUpdate: (_, i) =>
            {
                importQueue.Add(Key(i));
                var namespacedName = NetworkingApi.NamespacedName(i.Metadata.Namespace ?? "", i.Metadata.Name ?? "");
                foreach (var export in exports.Lister.List().Where(e => e.Spec.ServiceReference.NamespacedName == namespacedName))
                {
                    exportQueue.Add(Key(export));
                }
            },
            onDelete: d => importQueue.Add(Key(d.Object)));

        // §5.6: one importing cluster per service; every claim on a service looks again when its ServiceImport changes.
        var claims = Informers.For(CustomResourceMappings.Of<InternalServiceImport>(), NetworkingJsonContext.Default.InternalServiceImport);
        var arbitration = new Controller<NamespacedName>("internalserviceimport",
            new ImportArbitrationReconciler(claims.Lister, _options.Client), new ControllerOptions { Time = _options.Time, LoggerFactory = loggers });
        var claimQueue = arbitration.Queue;
        claims.AddEventHandler(onAdd: c => claimQueue.Add(Key(c)), onUpdate: (_, c) => claimQueue.Add(Key(c)));
        imports.AddEventHandler(
            onUpdate: (_, i) => EnqueueClaims(i),
            onDelete: d => EnqueueClaims(d.Object));

        // §4.3: exported slices go to the importing cluster; every slice of a service looks again when its ServiceImport changes.
        var sliceExports = Informers.For(CustomResourceMappings.Of<EndpointSliceExport>(), NetworkingJsonContext.Default.EndpointSliceExport);
        var sliceImports = Informers.For(CustomResourceMappings.Of<EndpointSliceImport>(), NetworkingJsonContext.Default.EndpointSliceImport);
        var distribution = new Controller<NamespacedName>("endpointsliceexport",
            new EndpointSliceDistributionReconciler(sliceExports.Lister, sliceImports.Lister, _options.Client), new ControllerOptions { Time = _options.Time, LoggerFactory = loggers });
        var sliceQueue = distribution.Queue;
        sliceExports.AddEventHandler(onAdd: e => sliceQueue.Add(Key(e)), onUpdate: (_, e) => sliceQueue.Add(Key(e)));
        imports.AddEventHandler(
            onAdd: i => EnqueueSlices(i),
            onUpdate: (_, i) => EnqueueSlices(i),
            onDelete: d => EnqueueSlices(d.Object));

        return
        [
            new CacheSyncedController<NamespacedName>(distribution, [sliceExports, sliceImports], _options.CacheSyncTimeout, _options.Time, loggers),
            new CacheSyncedController<NamespacedName>(exportController, [exports], _options.CacheSyncTimeout, _options.Time, loggers),
            new CacheSyncedController<NamespacedName>(importController, [imports, exports], _options.CacheSyncTimeout, _options.Time, loggers),
            new CacheSyncedController<NamespacedName>(arbitration, [claims], _options.CacheSyncTimeout, _options.Time, loggers),
        ];

        void EnqueueSlices(ServiceImport serviceImport)
        {
            var namespacedName = NetworkingApi.NamespacedName(serviceImport.Metadata.Namespace ?? "", serviceImport.Metadata.Name ?? "");
            foreach (var slice in sliceExports.Lister.List().Where(e => e.Spec.OwnerServiceReference.NamespacedName == namespacedName))
            {
                sliceQueue.Add(Key(slice));
            }
        }

        void EnqueueClaims(ServiceImport serviceImport)
        {
            var namespacedName = NetworkingApi.NamespacedName(serviceImport.Metadata.Namespace ?? "", serviceImport.Metadata.Name ?? "");
            foreach (var claim in claims.Lister.List().Where(c => c.Spec.ServiceImportReference.NamespacedName == namespacedName))
            {
                claimQueue.Add(Key(claim));
            }
        }

        static NamespacedName Key(Api.Meta.KubeObject o) => new(o.Metadata.Namespace ?? "", o.Metadata.Name ?? "");

        static NamespacedName ImportKey(InternalServiceExport e) => new(e.Spec.ServiceReference.Namespace, e.Spec.ServiceReference.Name);
    }
}
