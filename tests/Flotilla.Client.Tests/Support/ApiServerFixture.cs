using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.Testing;

namespace Flotilla.Client.Tests.Support;

/// <summary>One in-process API server (port 0) per test class, with a client from its kubeconfig. Tests isolate by namespace or by name.</summary>
public sealed class ApiServerFixture : IAsyncLifetime
{
    private TestApiServer? _server;
    private KubernetesClient? _client;

    public TestApiServer Server => _server ?? throw new InvalidOperationException("the fixture is not initialized");

    public KubernetesClient Client => _client ?? throw new InvalidOperationException("the fixture is not initialized");

    /// <summary>Every request <see cref="Client"/> sent, in order.</summary>
    internal RecordingHandler Recorder { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _server = await TestApiServer.StartAsync();
        _client = KubernetesClient.FromKubeConfigFile(_server.Host.KubeconfigPath, options: new KubernetesClientOptions
        {
            WrapHandler = inner => Recorder = new RecordingHandler(inner),
        });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>Creates a namespace with a unique name.</summary>
    public Task<string> NewNamespaceAsync() => Fixtures.NewNamespaceAsync(Client);
}

internal static class Fixtures
{
    public static async Task<string> NewNamespaceAsync(KubernetesClient client)
    {
        var name = "t-" + Guid.NewGuid().ToString("N")[..12];
        await client.Resource(Resources.Namespaces).CreateAsync(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject { ["name"] = name },
        });
        return name;
    }

    public static JsonObject ConfigMap(string name, string? ns = null, Dictionary<string, string>? data = null, Dictionary<string, string>? labels = null)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }
        if (labels is not null)
        {
            metadata["labels"] = new JsonObject([.. labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value))]);
        }
        var obj = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = metadata };
        if (data is not null)
        {
            obj["data"] = new JsonObject([.. data.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)d.Value))]);
        }
        return obj;
    }

    /// <summary>
    /// Creates a cluster-scoped CRD (group unique per call) with a status subresource through the dynamic client,
    /// and waits until it is Established. Returns the kind's group-version-kind.
    /// </summary>
    public static async Task<GroupVersionKind> CreateWidgetCrdAsync(KubernetesClient client, string scope = "Cluster")
    {
        var group = $"w{Guid.NewGuid():N}"[..13] + ".example.flotilla.io";
        var crd = Obj.Parse(System.Text.Encoding.UTF8.GetBytes("""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
             "metadata":{"name":"widgets.GROUP"},
             "spec":{"group":"GROUP","scope":"SCOPE",
               "names":{"kind":"Widget","listKind":"WidgetList","plural":"widgets","singular":"widget"},
               "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
                 "schema":{"openAPIV3Schema":{"type":"object","properties":{
                   "spec":{"type":"object","properties":{"size":{"type":"integer"},"color":{"type":"string"}}},
                   "status":{"type":"object","properties":{"phase":{"type":"string"},"observedSize":{"type":"integer"}}}}}}}]}}
            """.Replace("GROUP", group, StringComparison.Ordinal).Replace("SCOPE", scope, StringComparison.Ordinal)));
        var crds = client.Resource(Resources.Crds);
        await crds.CreateAsync(crd);
        await Eventually.WaitAsync($"CRD widgets.{group} to be Established", async () =>
        {
            var current = await crds.GetAsync($"widgets.{group}");
            return (current.At("status", "conditions") as JsonArray)?.OfType<JsonObject>()
                .Any(c => c.GetString("type") == "Established" && c.GetString("status") == "True") == true;
        }, TimeSpan.FromSeconds(20));
        return new GroupVersionKind(group, "v1", "Widget");
    }

    public static JsonObject Widget(GroupVersionKind kind, string name, int size, string? ns = null)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }
        return new JsonObject
        {
            ["apiVersion"] = kind.ApiVersion,
            ["kind"] = kind.Kind,
            ["metadata"] = metadata,
            ["spec"] = new JsonObject { ["size"] = size, ["color"] = "blue" },
        };
    }
}
