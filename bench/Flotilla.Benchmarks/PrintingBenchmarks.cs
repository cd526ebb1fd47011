using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Printing;
using Flotilla.ApiServer.Registry;

namespace Flotilla.Benchmarks;

/// <summary><c>kubectl get deployments</c> of 500 Deployments: the server builds a Table.</summary>
[MemoryDiagnoser]
public class PrintingBenchmarks
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ResourceDefinition _deployments = new ResourceRegistry().Find("apps", "v1", "deployments")!;
    private List<JsonObject> _objects = null!;

    [Params(500)]
    public int Count { get; set; }

    [GlobalSetup]
    public void Setup() => _objects = Deployments.Many(Count);

    /// <summary>The Table as kubectl asks for it (rows carry PartialObjectMetadata).</summary>
    [Benchmark]
    public JsonObject TableOfDeployments() => TableBuilder.Build(_deployments, _objects, Now, IncludeObject.Metadata, "1000");

    /// <summary>The same Table serialized, as the response body is written.</summary>
    [Benchmark]
    public byte[] TableOfDeploymentsSerialized() => Obj.ToBytes(TableBuilder.Build(_deployments, _objects, Now, IncludeObject.Metadata, "1000"));
}
