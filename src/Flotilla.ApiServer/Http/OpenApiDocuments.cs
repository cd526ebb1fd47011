using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Registry;

namespace Flotilla.ApiServer.Http;

/// <summary>
/// OpenAPI v3: the index (<c>/openapi/v3</c>) and one document per group-version. Each resource gets a path whose
/// <c>patch</c> operation carries <c>x-kubernetes-group-version-kind</c> and the <c>fieldValidation</c> parameter,
/// which is what kubectl checks before it lets the server validate. Custom resources also get their schema
/// under <c>components.schemas</c> (for <c>kubectl explain</c>). Documents are cached per registry revision.
/// </summary>
/// <remarks>
/// The patch operation deliberately declares no request body types: kubectl computes a strategic merge patch
/// from OpenAPI v3 only when <c>application/strategic-merge-patch+json</c> is listed there, and otherwise uses its
/// compiled-in types for built-ins and JSON merge patch for custom resources, which is what the server expects.
/// </remarks>
internal sealed class OpenApiDocuments(ResourceRegistry registry)
{
    private static readonly string[] QueryParameters = ["dryRun", "fieldManager", "fieldValidation", "force", "pretty"];

    private readonly ConcurrentDictionary<string, byte[]> _documents = new();
    private long _revision = -1;
    private byte[]? _index;

    public byte[] Index()
    {
        Refresh();
        if (_index is { } index)
        {
            return index;
        }
        var paths = new JsonObject();
        foreach (var gv in GroupVersions())
        {
            var document = Document(gv.Group, gv.Version)!;
            var hash = Convert.ToHexString(SHA512.HashData(document)).ToUpperInvariant();
            paths[PathKey(gv.Group, gv.Version)] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{PathKey(gv.Group, gv.Version)}?hash={hash}" };
        }
        index = Obj.ToBytes(new JsonObject { ["paths"] = paths });
        _index = index;
        return index;
    }

    /// <summary>The document of one group-version (any <c>hash</c> is accepted), or null when not served.</summary>
    public byte[]? Document(string group, string version)
    {
        Refresh();
        if (!registry.Serves(group, version) && !(group.Length == 0 && version == "v1"))
        {
            return null;
        }
        return _documents.GetOrAdd(PathKey(group, version), _ => Obj.ToBytes(Build(group, version)));
    }

    private void Refresh()
    {
        var revision = registry.Revision;
        if (Interlocked.Exchange(ref _revision, revision) != revision)
        {
            _documents.Clear();
            _index = null;
        }
    }

    private IEnumerable<(string Group, string Version)> GroupVersions()
    {
        yield return ("", "v1");
        foreach (var group in registry.Groups)
        {
            foreach (var version in group.Versions)
            {
                yield return (group.Name, version);
            }
        }
    }

    private static string PathKey(string group, string version) => group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";

    private JsonObject Build(string group, string version)
    {
        var paths = new JsonObject();
        var schemas = new JsonObject();
        foreach (var r in registry.InGroupVersion(group, version))
        {
            var root = "/" + PathKey(group, version);
            var item = r.Namespaced ? $"{root}/namespaces/{{namespace}}/{r.Plural}/{{name}}" : $"{root}/{r.Plural}/{{name}}";
            paths[item] = new JsonObject
            {
                ["get"] = Operation(r, "read"),
                ["put"] = Operation(r, "replace"),
                ["patch"] = Operation(r, "patch"),
                ["delete"] = Operation(r, "delete"),
            };
            var collection = r.Namespaced ? $"{root}/namespaces/{{namespace}}/{r.Plural}" : $"{root}/{r.Plural}";
            paths[collection] = new JsonObject { ["get"] = Operation(r, "list"), ["post"] = Operation(r, "create") };
            if (r.HasStatusSubresource)
            {
                paths[item + "/status"] = new JsonObject { ["get"] = Operation(r, "read"), ["put"] = Operation(r, "replace"), ["patch"] = Operation(r, "patch") };
            }
            if (r.Schema is { } schema)
            {
                var copy = schema.DeepClone().AsObject();
                copy["x-kubernetes-group-version-kind"] = new JsonArray(Gvk(r));
                schemas[SchemaName(r)] = copy;
            }
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    private static JsonObject Operation(ResourceDefinition r, string action)
    {
        var parameters = new JsonArray();
        foreach (var name in QueryParameters)
        {
            parameters.Add(new JsonObject { ["name"] = name, ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } });
        }
        return new JsonObject
        {
            ["operationId"] = $"{action}{r.Kind}",
            ["parameters"] = parameters,
            ["x-kubernetes-action"] = action,
            ["x-kubernetes-group-version-kind"] = Gvk(r),
            ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
        };
    }

    private static JsonObject Gvk(ResourceDefinition r) => new() { ["group"] = r.Group, ["version"] = r.Version, ["kind"] = r.Kind };

    /// <summary>Upstream names schemas by the reversed group, e.g. <c>io.kubernetes-fleet.placement.v1beta1.ClusterResourcePlacement</c>.</summary>
    private static string SchemaName(ResourceDefinition r) =>
        string.Join('.', r.Group.Split('.').Reverse()) + $".{r.Version}.{r.Kind}";
}
