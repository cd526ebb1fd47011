using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Runtime.Controllers;
using Flotilla.Runtime.WorkQueue;

namespace Flotilla.Runtime.Tests.Informers;

/// <summary>
/// The example controller: mirrors every ConfigMap of one namespace into another. A mirror has the source's name and
/// data, the label <see cref="MirrorLabel"/> and the annotation <see cref="SourceAnnotation"/> naming its source
/// (owner references cannot cross namespaces). Built only from the runtime's pieces: two informers, a lister each,
/// the queue glue, a level-triggered reconciler that reads caches and writes through the client.
/// </summary>
internal sealed class ConfigMapMirror(Lister<JsonObject> sources, Lister<JsonObject> mirrors, ResourceClient<JsonObject> writer, string sourceNamespace)
    : IReconciler<NamespacedName>
{
    public const string MirrorLabel = "mirror.flotilla.io/mirror";
    public const string SourceAnnotation = "mirror.flotilla.io/source";

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var source = sources.Get(sourceNamespace, key.Name);
        var mirror = mirrors.Get(writer.Namespace, key.Name);
        if (source is null)
        {
            if (mirror is not null)
            {
                try
                {
                    // Guarded by uid: a stale cache must not delete a newer mirror (409 Conflict retries instead).
                    await writer.DeleteAsync(key.Name, new DeleteOptions { PreconditionUid = mirror.Uid() }, cancellationToken);
                }
                catch (ApiException e) when (e.IsNotFound())
                {
                    // Already gone.
                }
            }
            return ReconcileResult.Done;
        }
        var desired = Desired(source, writer.Namespace!);
        if (mirror is null)
        {
            // AlreadyExists (a cache behind our own create) throws: retried once the cache has the mirror.
            await writer.CreateAsync(desired, cancellationToken: cancellationToken);
        }
        else if (!JsonNode.DeepEquals(mirror["data"], desired["data"]) || mirror.Metadata()["annotations"]?[SourceAnnotation]?.GetValue<string>() != SourceKey(source))
        {
            // Guarded by the cached resourceVersion: a stale cache gets 409 Conflict, and the retry reads again.
            desired.Metadata()["resourceVersion"] = mirror.ResourceVersion();
            await writer.UpdateAsync(desired, cancellationToken: cancellationToken);
        }
        return ReconcileResult.Done;
    }

    /// <summary>The mirror <paramref name="source"/> asks for.</summary>
    public static JsonObject Desired(JsonObject source, string targetNamespace)
    {
        var mirror = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject
            {
                ["name"] = source.Name(),
                ["namespace"] = targetNamespace,
                ["labels"] = new JsonObject { [MirrorLabel] = "true" },
                ["annotations"] = new JsonObject { [SourceAnnotation] = SourceKey(source) },
            },
        };
        if (source["data"] is { } data)
        {
            mirror["data"] = data.DeepClone();
        }
        return mirror;
    }

    /// <summary>The source a mirror names, as the key to reconcile.</summary>
    public static IEnumerable<NamespacedName> SourceOf(JsonObject mirror) =>
        mirror.Metadata()["annotations"]?[SourceAnnotation]?.GetValue<string>() is { } source ? [NamespacedName.Parse(source)] : [];

    private static string SourceKey(JsonObject source) => $"{source.Namespace()}/{source.Name()}";
}

/// <summary>What one process running the mirror controller holds: its informers, its controller, nothing else.</summary>
internal sealed class MirrorAgent : IAsyncDisposable
{
    private readonly SharedInformerFactory _factory;
    private readonly CacheSyncedController<NamespacedName> _host;

    private MirrorAgent(SharedInformerFactory factory, CacheSyncedController<NamespacedName> host)
    {
        _factory = factory;
        _host = host;
    }

    public static async Task<MirrorAgent> StartAsync(KubernetesClient client, string sourceNamespace, string targetNamespace)
    {
        var factory = new SharedInformerFactory(client, Cluster.FastInformers);
        var sources = factory.For(Cluster.ConfigMaps, sourceNamespace);
        var mirrors = factory.For(Cluster.ConfigMaps, targetNamespace, $"{ConfigMapMirror.MirrorLabel}=true");
        var reconciler = new ConfigMapMirror(sources.Lister, mirrors.Lister, client.Resource(Cluster.ConfigMaps).InNamespace(targetNamespace), sourceNamespace);
        var controller = new Controller<NamespacedName>(
            "configmap-mirror",
            reconciler,
            new ControllerOptions { Workers = 2, ShutdownTimeout = TimeSpan.FromSeconds(5) },
            new ExponentialBackoffRateLimiter<NamespacedName>(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(500)));
        controller.Queue.EnqueueObjects(sources);
        controller.Queue.EnqueueMapped(mirrors, ConfigMapMirror.SourceOf);
        var host = new CacheSyncedController<NamespacedName>(controller, [sources, mirrors]);
        var agent = new MirrorAgent(factory, host);
        try
        {
            await host.StartAsync(CancellationToken.None);
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
        return agent;
    }

    /// <summary>A graceful stop: in-flight reconciles finish, then the informers stop.</summary>
    public async Task StopAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        await DisposeAsync();
    }

    /// <summary>An abrupt stop: in-flight reconciles are cancelled.</summary>
    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _factory.DisposeAsync();
    }
}
