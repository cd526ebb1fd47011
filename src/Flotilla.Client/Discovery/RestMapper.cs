using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.Client.Http;
using Microsoft.Extensions.Logging;

namespace Flotilla.Client.Discovery;

/// <summary>Discovery knows no resource for a kind (or no kind for a resource): the CRD is missing or the version is not served.</summary>
public sealed class NoResourceMatchException : Exception
{
    /// <summary>A lookup that discovery cannot answer; the message names the kind or resource.</summary>
    public NoResourceMatchException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// Maps kinds to resources and scopes (and back) from the server's discovery documents, as client-go's
/// discovery-backed RESTMapper does. Discovery is read on first use and again whenever a lookup misses, so a CRD
/// created after start is found without a restart. It asks for aggregated discovery (2 requests) and falls back
/// to the legacy documents (<c>/api</c>, <c>/apis</c>, then one per group-version), which every server serves; a
/// group-version that fails (an unavailable aggregated API, say) is skipped rather than failing every lookup.
/// </summary>
public sealed class RestMapper
{
    private const string AggregatedAccept =
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList," +
        "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

    private readonly KubernetesHttp _http;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private volatile Snapshot? _snapshot;
    private Task<Snapshot>? _refreshing;

    internal RestMapper(KubernetesHttp http, ILogger logger)
    {
        _http = http;
        _logger = logger;
    }

    /// <summary>How many times discovery has been read (for tests and diagnostics).</summary>
    internal int Refreshes { get; private set; }

    /// <summary>The resource and scope serving <paramref name="kind"/>; refreshes discovery once on a miss.</summary>
    /// <exception cref="NoResourceMatchException">The server serves no resource for the kind, even after a refresh.</exception>
    public async Task<ResourceMapping> MappingForAsync(GroupVersionKind kind, CancellationToken cancellationToken = default)
    {
        var snapshot = _snapshot ?? await RefreshAsync(null, cancellationToken).ConfigureAwait(false);
        if (snapshot.ByKind.TryGetValue(kind, out var mapping))
        {
            return mapping;
        }
        snapshot = await RefreshAsync(snapshot, cancellationToken).ConfigureAwait(false);
        return snapshot.ByKind.TryGetValue(kind, out mapping)
            ? mapping
            : throw new NoResourceMatchException($"no matches for kind \"{kind.Kind}\" in version \"{kind.ApiVersion}\"; is its CustomResourceDefinition installed and the version served?");
    }

    /// <summary>The kind and scope of <paramref name="resource"/>; refreshes discovery once on a miss.</summary>
    /// <exception cref="NoResourceMatchException">The server does not serve the resource, even after a refresh.</exception>
    public async Task<ResourceMapping> MappingForAsync(GroupVersionResource resource, CancellationToken cancellationToken = default)
    {
        var snapshot = _snapshot ?? await RefreshAsync(null, cancellationToken).ConfigureAwait(false);
        if (snapshot.ByResource.TryGetValue(resource, out var mapping))
        {
            return mapping;
        }
        snapshot = await RefreshAsync(snapshot, cancellationToken).ConfigureAwait(false);
        return snapshot.ByResource.TryGetValue(resource, out mapping)
            ? mapping
            : throw new NoResourceMatchException($"the server does not serve resource \"{resource.Resource}\" in version \"{resource.ApiVersion}\"");
    }

    /// <summary>Reads discovery again now.</summary>
    public Task RefreshAsync(CancellationToken cancellationToken = default) => RefreshAsync(_snapshot ?? Snapshot.Empty, cancellationToken);

    /// <summary>
    /// Every top-level resource the server serves, in every version, with its verbs and whether its version is its
    /// group's preferred one — what a controller watching "everything" (kubectl api-resources, a resource change
    /// detector) starts from. Reads discovery on first use; <see cref="RefreshAsync(CancellationToken)"/> first to see
    /// CRDs created since.
    /// </summary>
    public async Task<IReadOnlyList<DiscoveredResource>> ServerResourcesAsync(CancellationToken cancellationToken = default) =>
        (_snapshot ?? await RefreshAsync(null, cancellationToken).ConfigureAwait(false)).Resources;

    /// <summary>
    /// Refreshes unless someone already replaced <paramref name="seen"/>; concurrent callers share one refresh, which
    /// no single caller's cancellation aborts.
    /// </summary>
    private Task<Snapshot> RefreshAsync(Snapshot? seen, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_snapshot is { } current && current != seen)
            {
                return Task.FromResult(current);
            }
            _refreshing ??= LoadAndPublishAsync();
            return _refreshing.WaitAsync(cancellationToken);
        }
    }

    private async Task<Snapshot> LoadAndPublishAsync()
    {
        try
        {
            var snapshot = new Snapshot(await LoadAsync(CancellationToken.None).ConfigureAwait(false));
            lock (_lock)
            {
                _snapshot = snapshot;
                Refreshes++;
            }
            return snapshot;
        }
        finally
        {
            lock (_lock)
            {
                _refreshing = null;
            }
        }
    }

    private async Task<List<DiscoveredResource>> LoadAsync(CancellationToken cancellationToken)
    {
        var core = _http.SendAsync(ApiRequest.Get("/api", AggregatedAccept), cancellationToken);
        var groups = _http.SendAsync(ApiRequest.Get("/apis", AggregatedAccept), cancellationToken);
        var mappings = new List<DiscoveredResource>();
        var groupVersions = new List<string>();
        var preferred = new HashSet<string>(StringComparer.Ordinal);
        foreach (var response in await Task.WhenAll(core, groups).ConfigureAwait(false))
        {
            var document = Obj.Parse(response.Body);
            if (response.ContentType?.Contains("as=APIGroupDiscoveryList", StringComparison.Ordinal) == true)
            {
                AddAggregated(document, mappings);
            }
            else if (document["versions"] is JsonArray versions)
            {
                // The core group's versions, most preferred first.
                var coreVersions = versions.Select(v => v?.GetValue<string>()).OfType<string>().ToList();
                groupVersions.AddRange(coreVersions);
                if (coreVersions.Count > 0)
                {
                    preferred.Add(coreVersions[0]);
                }
            }
            else if (document["groups"] is JsonArray list)
            {
                foreach (var group in list.OfType<JsonObject>())
                {
                    groupVersions.AddRange((group["versions"] as JsonArray ?? []).Select(v => (v as JsonObject)?.GetString("groupVersion")).OfType<string>());
                    if ((group["preferredVersion"] as JsonObject)?.GetString("groupVersion") is { } preferredVersion)
                    {
                        preferred.Add(preferredVersion);
                    }
                }
            }
        }
        var lists = await Task.WhenAll(groupVersions.Select(gv => ResourceListAsync(gv, cancellationToken))).ConfigureAwait(false);
        foreach (var list in lists)
        {
            if (list is not null)
            {
                AddLegacy(list, preferred, mappings);
            }
        }
        return mappings;
    }

    private async Task<JsonObject?> ResourceListAsync(string groupVersion, CancellationToken cancellationToken)
    {
        var path = groupVersion.Contains('/', StringComparison.Ordinal) ? $"/apis/{groupVersion}" : $"/api/{groupVersion}";
        try
        {
            var response = await _http.SendAsync(ApiRequest.Get(path), cancellationToken).ConfigureAwait(false);
            return Obj.Parse(response.Body);
        }
        catch (Exception e) when (e is Api.Meta.ApiException or HttpRequestException or System.Text.Json.JsonException)
        {
            // An aggregated API server that is down (metrics.k8s.io, typically) must not hide every other group.
            ClientLog.DiscoveryFailed(_logger, groupVersion, e.Message);
            return null;
        }
    }

    /// <summary>An <c>APIResourceList</c>: top-level entries (subresources, <c>plural/sub</c>, are skipped).</summary>
    private static void AddLegacy(JsonObject list, HashSet<string> preferred, List<DiscoveredResource> mappings)
    {
        var groupVersion = list.GetString("groupVersion") ?? "";
        var gv = GroupVersionKind.FromApiVersion(groupVersion, "");
        foreach (var resource in (list["resources"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (resource.GetString("name") is { Length: > 0 } name && !name.Contains('/', StringComparison.Ordinal) && resource.GetString("kind") is { Length: > 0 } kind)
            {
                mappings.Add(new DiscoveredResource(
                    new ResourceMapping(gv.Group, gv.Version, name, kind, resource["namespaced"]?.GetValue<bool>() == true),
                    Verbs(resource), preferred.Contains(groupVersion)));
            }
        }
    }

    private static string[] Verbs(JsonObject resource) =>
        [.. (resource["verbs"] as JsonArray ?? []).Select(v => v?.GetValue<string>()).OfType<string>()];

    /// <summary>An <c>APIGroupDiscoveryList</c> (apidiscovery.k8s.io/v2): groups, their versions and resources.</summary>
    private static void AddAggregated(JsonObject document, List<DiscoveredResource> mappings)
    {
        foreach (var group in (document["items"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var groupName = (group["metadata"] as JsonObject)?.GetString("name") ?? "";
            // Versions come most preferred first.
            var first = true;
            foreach (var version in (group["versions"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var versionName = version.GetString("version") ?? "";
                foreach (var resource in (version["resources"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    if (resource.GetString("resource") is { Length: > 0 } name && (resource["responseKind"] as JsonObject)?.GetString("kind") is { Length: > 0 } kind)
                    {
                        mappings.Add(new DiscoveredResource(
                            new ResourceMapping(groupName, versionName, name, kind, resource.GetString("scope") == "Namespaced"), Verbs(resource), first));
                    }
                }
                first = false;
            }
        }
    }

    private sealed class Snapshot
    {
        public static readonly Snapshot Empty = new([]);

        public Snapshot(List<DiscoveredResource> resources)
        {
            Resources = resources;
            foreach (var (mapping, _, _) in resources)
            {
                ByKind.TryAdd(mapping.Kind, mapping);
                ByResource.TryAdd(mapping.Resource, mapping);
            }
        }

        public IReadOnlyList<DiscoveredResource> Resources { get; }

        public Dictionary<GroupVersionKind, ResourceMapping> ByKind { get; } = [];

        public Dictionary<GroupVersionResource, ResourceMapping> ByResource { get; } = [];
    }
}

/// <summary>A top-level resource the server serves: its mapping, its verbs, and whether its version is its group's preferred one.</summary>
public sealed record DiscoveredResource(ResourceMapping Mapping, IReadOnlyList<string> Verbs, bool Preferred)
{
    /// <summary>Whether the resource supports <paramref name="verb"/> (<c>list</c>, <c>watch</c>, …).</summary>
    public bool Supports(string verb) => Verbs.Contains(verb, StringComparer.Ordinal);
}
