using System.Text.Json.Nodes;
using Flotilla.Client;
using Flotilla.Client.Informers;

namespace Flotilla.Runtime.Tests.Informers;

/// <summary>What the informer-driven controller tests share: resource mappings, objects, quick options.</summary>
internal static class Cluster
{
    public static readonly ResourceMapping ConfigMaps = new("", "v1", "configmaps", "ConfigMap", namespaced: true);
    public static readonly ResourceMapping Namespaces = new("", "v1", "namespaces", "Namespace", namespaced: false);

    /// <summary>Informers that retry quickly: tests restart servers and controllers.</summary>
    public static readonly InformerOptions FastInformers = new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(20),
        MaxBackoff = TimeSpan.FromMilliseconds(200),
    };

    public static async Task CreateNamespaceAsync(KubernetesClient client, string name) =>
        await client.Resource(Namespaces).CreateAsync(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject { ["name"] = name },
        });

    public static JsonObject ConfigMap(string ns, string name, JsonObject? data = null, JsonObject? metadata = null)
    {
        var meta = metadata ?? [];
        meta["name"] = name;
        meta["namespace"] = ns;
        var obj = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = meta };
        if (data is not null)
        {
            obj["data"] = data;
        }
        return obj;
    }
}
