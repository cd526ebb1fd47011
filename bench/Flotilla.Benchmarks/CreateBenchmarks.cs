using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Core;
using Flotilla.ApiServer.Http;
using Flotilla.ApiServer.Registry;
using Flotilla.Storage;

namespace Flotilla.Benchmarks;

/// <summary>
/// The server-side work of one <c>POST</c> of a 1 KiB ConfigMap without the sockets: decode the body, run the
/// object semantics (admission, managedFields), commit to the memory store, serialize the response. The load
/// test's <c>creates</c> scenario is this plus HTTP, TLS and (for SQLite) the fsync.
/// </summary>
[MemoryDiagnoser]
public class CreateBenchmarks
{
    private ResourceService _service = null!;
    private ResourceDefinition _configMaps = null!;
    private byte[] _body = null!;
    private long _next;

    [GlobalSetup]
    public void Setup()
    {
        var registry = new ResourceRegistry();
        var admission = new Admission(registry, TimeProvider.System);
        _service = new ResourceService(new MemoryResourceStore(), registry, admission, TimeProvider.System);
        _configMaps = registry.Find("", "v1", "configmaps")!;
        var namespaces = registry.Find("", "v1", "namespaces")!;
        var ns = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "bench" } };
        _service.CreateAsync(namespaces, null, ns, RequestOptions.System("bench")).GetAwaiter().GetResult();
        var padding = new string('x', 900);
        _body = Encoding.UTF8.GetBytes($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm-dry-run","labels":{"app":"loadtest"}},"data":{"payload":"{{{padding}}}"}}""");
    }

    [GlobalCleanup]
    public void Cleanup() => _service.Store.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Only the request body decode (strict JSON, duplicate-field detection).</summary>
    [Benchmark]
    public JsonObject DecodeBody() => RequestBody.ParseObject(_body, "application/json", "create", new RequestOptions());

    /// <summary>Everything but the store: <c>?dryRun=All</c>.</summary>
    [Benchmark]
    public async Task<byte[]> CreateDryRun()
    {
        var options = new RequestOptions { DryRun = true, Manager = "loadtest" };
        var obj = RequestBody.ParseObject(_body, "application/json", "create", options);
        var outcome = await _service.CreateAsync(_configMaps, "bench", obj, options).ConfigureAwait(false);
        return Obj.ToBytes(outcome.Object);
    }

    /// <summary>The whole create into the memory store (every call a new name; the store grows).</summary>
    [Benchmark]
    public async Task<byte[]> CreateCommitted()
    {
        var options = new RequestOptions { Manager = "loadtest" };
        var obj = RequestBody.ParseObject(_body, "application/json", "create", options);
        obj.Metadata()["name"] = "cm-" + (++_next).ToString(CultureInfo.InvariantCulture);
        var outcome = await _service.CreateAsync(_configMaps, "bench", obj, options).ConfigureAwait(false);
        return Obj.ToBytes(outcome.Object);
    }
}
