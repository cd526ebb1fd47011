using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Flotilla.ApiServer.Registry;

namespace Flotilla.ApiServer.Http;

/// <summary>
/// Legacy (<c>/api</c>, <c>/apis</c>, <c>/api/v1</c>, <c>/apis/{g}/{v}</c>) and aggregated (apidiscovery.k8s.io/v2)
/// discovery documents, derived from the registry and rebuilt whenever it changes.
/// </summary>
internal sealed class DiscoveryDocuments
{
    /// <summary>The exact content type kubectl requires before it reads an aggregated document.</summary>
    public const string AggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

    private static readonly string[] AllVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    private static readonly string[] SubresourceVerbs = ["get", "patch", "update"];

    private readonly ResourceRegistry _registry;
    private readonly Func<string> _serverAddress;
    private volatile Cache? _cache;

    /// <param name="registry">The served resources.</param>
    /// <param name="serverAddress">host:port as clients reach the server (known only once it listens).</param>
    public DiscoveryDocuments(ResourceRegistry registry, Func<string> serverAddress)
    {
        _registry = registry;
        _serverAddress = serverAddress;
    }

    public JsonObject ApiVersions() => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = _serverAddress() }),
    };

    public JsonObject GroupList() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray([.. _registry.Groups.Select(g => (JsonNode)Group(g))]),
    };

    public JsonObject? Group(string name) =>
        _registry.Groups.FirstOrDefault(g => g.Name == name) is { } group ? Group(group) : null;

    /// <summary>The APIResourceList of one group-version, or null when it is not served.</summary>
    public JsonObject? ResourceList(string group, string version)
    {
        var resources = _registry.InGroupVersion(group, version).ToList();
        if (resources.Count == 0)
        {
            return null;
        }
        var list = new JsonArray();
        foreach (var r in resources)
        {
            var entry = new JsonObject
            {
                ["name"] = r.Plural,
                ["singularName"] = r.Singular,
                ["namespaced"] = r.Namespaced,
                ["kind"] = r.Kind,
                ["verbs"] = Strings(AllVerbs),
            };
            if (r.ShortNames.Count > 0) entry["shortNames"] = Strings(r.ShortNames);
            if (r.Categories.Count > 0) entry["categories"] = Strings(r.Categories);
            entry["storageVersionHash"] = StorageVersionHash(r);
            list.Add(entry);
            foreach (var (sub, responseGroup, responseVersion, responseKind) in Subresources(r))
            {
                var subEntry = new JsonObject
                {
                    ["name"] = $"{r.Plural}/{sub}",
                    ["singularName"] = "",
                    ["namespaced"] = r.Namespaced,
                };
                if (responseGroup != r.Group || responseVersion != r.Version)
                {
                    subEntry["group"] = responseGroup;
                    subEntry["version"] = responseVersion;
                }
                subEntry["kind"] = responseKind;
                subEntry["verbs"] = Strings(sub == "finalize" ? ["update"] : SubresourceVerbs);
                list.Add(subEntry);
            }
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = list,
        };
    }

    /// <summary>The aggregated document for <c>/api</c> (core) or <c>/apis</c> (every named group), cached per registry revision.</summary>
    public byte[] Aggregated(bool core)
    {
        var cache = _cache;
        if (cache is null || cache.Revision != _registry.Revision)
        {
            cache = new Cache(_registry.Revision, Flotilla.Api.Unstructured.Obj.ToBytes(BuildAggregated(true)), Flotilla.Api.Unstructured.Obj.ToBytes(BuildAggregated(false)));
            _cache = cache;
        }
        return core ? cache.Core : cache.Groups;
    }

    private JsonObject BuildAggregated(bool core)
    {
        var items = new JsonArray();
        var groups = core ? [new ApiGroupInfo("", ["v1"])] : _registry.Groups;
        foreach (var group in groups)
        {
            var versions = new JsonArray();
            foreach (var version in group.Versions)
            {
                var resources = new JsonArray();
                foreach (var r in _registry.InGroupVersion(group.Name, version))
                {
                    var entry = new JsonObject
                    {
                        ["resource"] = r.Plural,
                        ["responseKind"] = Gvk(r.Group, r.Version, r.Kind),
                        ["scope"] = r.Namespaced ? "Namespaced" : "Cluster",
                        ["singularResource"] = r.Singular,
                        ["verbs"] = Strings(AllVerbs),
                    };
                    if (r.ShortNames.Count > 0) entry["shortNames"] = Strings(r.ShortNames);
                    if (r.Categories.Count > 0) entry["categories"] = Strings(r.Categories);
                    var subs = new JsonArray();
                    foreach (var (sub, g, v, k) in Subresources(r))
                    {
                        subs.Add(new JsonObject
                        {
                            ["subresource"] = sub,
                            ["responseKind"] = Gvk(g, v, k),
                            ["verbs"] = Strings(sub == "finalize" ? ["update"] : SubresourceVerbs),
                        });
                    }
                    if (subs.Count > 0) entry["subresources"] = subs;
                    resources.Add(entry);
                }
                versions.Add(new JsonObject { ["version"] = version, ["resources"] = resources, ["freshness"] = "Current" });
            }
            var metadata = new JsonObject();
            if (group.Name.Length > 0) metadata["name"] = group.Name;
            items.Add(new JsonObject { ["metadata"] = metadata, ["versions"] = versions });
        }
        return new JsonObject
        {
            ["kind"] = "APIGroupDiscoveryList",
            ["apiVersion"] = "apidiscovery.k8s.io/v2",
            ["metadata"] = new JsonObject(),
            ["items"] = items,
        };
    }

    private static JsonObject Group(ApiGroupInfo group)
    {
        var versions = new JsonArray([.. group.Versions.Select(v => (JsonNode)GroupVersion(group.Name, v))]);
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = group.Name,
            ["versions"] = versions,
            ["preferredVersion"] = GroupVersion(group.Name, group.PreferredVersion),
        };
    }

    private static JsonObject GroupVersion(string group, string version) =>
        new() { ["groupVersion"] = $"{group}/{version}", ["version"] = version };

    private static IEnumerable<(string Name, string Group, string Version, string Kind)> Subresources(ResourceDefinition r)
    {
        if (r.HasStatusSubresource) yield return ("status", r.Group, r.Version, r.Kind);
        if (r.Scale is not null) yield return ("scale", "autoscaling", "v1", "Scale");
        if (r.Group.Length == 0 && r.Plural == "namespaces") yield return ("finalize", r.Group, r.Version, r.Kind);
    }

    private static JsonObject Gvk(string group, string version, string kind) =>
        new() { ["group"] = group, ["version"] = version, ["kind"] = kind };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    /// <summary>An opaque hash that changes when the storage location of a resource would.</summary>
    private static string StorageVersionHash(ResourceDefinition r) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes($"{r.Group}/{r.Version}/{r.Kind}")).AsSpan(0, 8));

    private sealed record Cache(long Revision, byte[] Core, byte[] Groups);
}
