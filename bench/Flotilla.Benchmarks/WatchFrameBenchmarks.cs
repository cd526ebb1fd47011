using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Perfolizer.Metrology;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Client.Watch;

namespace Flotilla.Benchmarks;

/// <summary>
/// The client's watch-frame decoder on one 1 KiB ConfigMap event, as the API server sends it (server-owned metadata
/// and managedFields included): what every informer pays per event before its cache sees the object.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InBytes))]
public class WatchFrameBenchmarks
{
    private byte[] _frame = null!;

    /// <summary>The frame's length in bytes: the target is to allocate at most twice this per decode.</summary>
    public int FrameBytes => _frame.Length;

    [GlobalSetup]
    public void Setup()
    {
        const string Head = """{"type":"MODIFIED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"cm-1234","namespace":"bench-informer","uid":"6f1c2a7e-9b1d-4c3e-8a55-0d2f6e9b7c41","resourceVersion":"987654","creationTimestamp":"2026-11-22T00:00:00Z","labels":{"app":"loadtest"},"managedFields":[{"manager":"flotilla-loadtest","operation":"Update","apiVersion":"v1","time":"2026-11-22T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{},"f:payload":{}},"f:metadata":{"f:labels":{".":{},"f:app":{}}}}}]},"data":{"payload":""" + "\"";
        const string Tail = "\"}}}\n";
        _frame = Encoding.UTF8.GetBytes(Head + new string('x', 1024 - Head.Length - Tail.Length) + Tail);
        if (_frame.Length != 1024)
        {
            throw new InvalidOperationException($"the frame is {_frame.Length} bytes, not 1024");
        }
    }

    /// <summary>Decode only: type, resourceVersion and the object (a <see cref="JsonObject"/>, materialized lazily).</summary>
    [Benchmark(Baseline = true)]
    public WatchEvent<JsonObject> Decode() => WatchFrame.Decode(_frame.AsSpan(0, _frame.Length - 1), ClientJsonContext.Object);

    /// <summary>Decode, then read what the informer's cache reads: namespace, name, resourceVersion, uid (which materializes <c>metadata</c>).</summary>
    [Benchmark]
    public string DecodeAndKey()
    {
        var e = WatchFrame.Decode(_frame.AsSpan(0, _frame.Length - 1), ClientJsonContext.Object);
        var accessor = ObjectAccessors.Unstructured;
        return accessor.KeyOf(e.Object) + accessor.ResourceVersion(e.Object) + accessor.Uid(e.Object);
    }

    /// <summary>Allocations in bytes, not KB: the target is stated in bytes.</summary>
    private sealed class InBytes : ManualConfig
    {
        public InBytes() => SummaryStyle = SummaryStyle.Default.WithSizeUnit(SizeUnit.B);
    }
}
