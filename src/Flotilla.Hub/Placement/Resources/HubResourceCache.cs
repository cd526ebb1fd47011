using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Client;
using Flotilla.Client.Discovery;
using Flotilla.Client.Informers;
using Flotilla.Hub.Placement.Selection;
using Microsoft.Extensions.Hosting;

namespace Flotilla.Hub.Placement.Resources;

/// <summary>
/// Informer caches of every kind a placement may propagate — the hub's preferred versions that support list and
/// watch and that the resource config does not disable (placement spec §1.3.2) — read by the selector resolver, and
/// the source of the placement controller's "a selected resource changed" triggers.
/// </summary>
/// <remarks>Kinds are discovered once, at start; CRDs installed later are not watched until the hub agent restarts.</remarks>
internal sealed class HubResourceCache(KubernetesClient client, SharedInformerFactory informers, ApiResourceConfig config, TimeSpan syncTimeout)
    : IHostedService, IHubObjects
{
    private readonly Dictionary<GroupVersionKind, SharedInformer<JsonObject>> _informers = [];
    private volatile bool _ready;

    /// <summary>Called for every add, update and delete of a watched object (the object as it is now, or was last).</summary>
    public event Action<JsonObject>? Changed;

    /// <summary>Every watched kind's cache has synced.</summary>
    public bool Ready => _ready;

    public IReadOnlyList<ResourceMapping> NamespacedKinds { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var resources = await client.Mapper.ServerResourcesAsync(cancellationToken).ConfigureAwait(false);
        foreach (var resource in WatchedVersions(resources))
        {
            var kind = resource.Mapping.Kind;
            if (!resource.Supports("list") || !resource.Supports("watch") || config.IsDisabled(kind.Group, kind.Version, kind.Kind)
                || _informers.ContainsKey(kind))
            {
                continue;
            }
            var informer = informers.For(resource.Mapping);
            informer.AddEventHandler(onAdd: Notify, onUpdate: (_, current) => Notify(current), onDelete: deleted => Notify(deleted.Object));
            _informers[kind] = informer;
        }
        NamespacedKinds = [.. _informers.Values.Select(i => i.Mapping).Where(m => m.Namespaced)];
        foreach (var informer in _informers.Values)
        {
            informer.Start();
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(syncTimeout);
        await Task.WhenAll(_informers.Values.Select(i => i.WaitForCacheSyncAsync(timeout.Token))).ConfigureAwait(false);
        _ready = true;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ResourceMapping? Mapping(string group, string version, string kind) =>
        _informers.TryGetValue(new GroupVersionKind(group, version, kind), out var informer) ? informer.Mapping : null;

    public IReadOnlyList<JsonObject> List(ResourceMapping mapping, string? @namespace, LabelSelector? selector) =>
        _informers.TryGetValue(mapping.Kind, out var informer) ? informer.Lister.List(@namespace, selector) : [];

    public JsonObject? Get(ResourceMapping mapping, string? @namespace, string name) =>
        _informers.TryGetValue(mapping.Kind, out var informer) ? informer.Lister.Get(@namespace, name) : null;

    /// <summary>
    /// One version per kind, as <c>kubectl api-resources</c> lists them: the group's preferred version when it serves
    /// the kind, else the most preferred version that does (discovery lists versions most preferred first). A kind
    /// served only outside its group's preferred version — the envelopes, v1beta1 only in a group that prefers v1 — is
    /// still watched.
    /// </summary>
    internal static IEnumerable<DiscoveredResource> WatchedVersions(IReadOnlyList<DiscoveredResource> resources) =>
        resources
            .GroupBy(r => (r.Mapping.Kind.Group, r.Mapping.Kind.Kind))
            .Select(kind => kind.FirstOrDefault(r => r.Preferred) ?? kind.First());

    private void Notify(JsonObject obj)
    {
        if (_ready)
        {
            Changed?.Invoke(obj);
        }
    }
}
