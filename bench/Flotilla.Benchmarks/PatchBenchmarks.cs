using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Flotilla.ApiServer.Patching;

namespace Flotilla.Benchmarks;

/// <summary>The patch paths of <c>kubectl apply</c> on a Deployment: client-side (strategic merge) and server-side.</summary>
[MemoryDiagnoser]
public class PatchBenchmarks
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly IMergeSchema _schema = BuiltinMergeSchema.For("apps", "Deployment");
    private JsonObject _live = null!;
    private JsonNode _patch = null!;
    private JsonObject _manifest = null!;
    private JsonObject _changedManifest = null!;
    private JsonObject _applied = null!;

    [GlobalSetup]
    public void Setup()
    {
        _live = Deployments.Parse(Deployments.Live);
        _patch = JsonNode.Parse(Deployments.KubectlPatch)!;
        _manifest = Deployments.Parse(Deployments.Manifest());
        _changedManifest = Deployments.Parse(Deployments.Manifest(image: "nginx:1.26", replicas: 5));
        // A live object that kubectl already applied server-side once (carries its managedFields).
        _applied = ServerSideApply.Apply(null, _manifest, "kubectl", false, _schema, "apps/v1", null, Now);
    }

    /// <summary>kubectl's client-side re-apply: new image, replicas and one env value (inputs are not modified).</summary>
    [Benchmark]
    public JsonObject StrategicMergePatchDeployment() => StrategicMergePatch.Apply(_live, _patch, _schema);

    /// <summary>First <c>kubectl apply --server-side</c>: no live object yet.</summary>
    [Benchmark]
    public JsonObject ServerSideApplyCreate() => ServerSideApply.Apply(null, _manifest, "kubectl", false, _schema, "apps/v1", null, Now);

    /// <summary>Re-apply with a changed image and replicas over the object the first apply made.</summary>
    [Benchmark]
    public JsonObject ServerSideApplyUpdate() => ServerSideApply.Apply(_applied, _changedManifest, "kubectl", false, _schema, "apps/v1", null, Now);
}
