using System.Globalization;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Flotilla.Api.Meta;

namespace Flotilla.Benchmarks;

/// <summary>Label selectors as list/watch filters evaluate them: once per object.</summary>
[MemoryDiagnoser]
public class SelectorBenchmarks
{
    private const string Selector = "app=web,tier in (frontend,backend),!legacy,shard notin (3)";

    private LabelSelector _selector = null!;
    private JsonObject[] _labels = null!;

    [Params(1_000)]
    public int Objects { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _selector = LabelSelector.Parse(Selector);
        _labels = [.. Enumerable.Range(0, Objects).Select(i => new JsonObject
        {
            ["app"] = i % 3 == 0 ? "db" : "web",
            ["tier"] = i % 2 == 0 ? "frontend" : "backend",
            ["shard"] = (i % 7).ToString(CultureInfo.InvariantCulture),
            ["pod-template-hash"] = "5d4f8c7b9",
        })];
    }

    /// <summary>Parses the selector text (done once per request).</summary>
    [Benchmark]
    public LabelSelector Parse() => LabelSelector.Parse(Selector);

    /// <summary>Matches <see cref="Objects"/> label maps against a four-requirement selector.</summary>
    [Benchmark]
    public int MatchAll()
    {
        var matched = 0;
        foreach (var labels in _labels)
        {
            if (_selector.Matches(labels))
            {
                matched++;
            }
        }
        return matched;
    }
}
