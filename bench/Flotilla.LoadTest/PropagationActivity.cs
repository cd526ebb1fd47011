using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Runtime.Controllers;

namespace Flotilla.LoadTest;

/// <summary>
/// Counts the writes the hub sees, per kind, by watching them (an informer of the load test's own per kind): every
/// ADDED, MODIFIED or DELETED event is one write. Work updates are split by who makes them: a change of generation,
/// labels, annotations or finalizers is the hub's work generator (or the agent's finalizer), anything else is a
/// member agent's status write.
/// </summary>
/// <remarks>
/// The hub agent's client-side rate limit (QPS 250) applies to its requests, and its reads come from informers, so
/// its writes are what spend that budget; these counts show how close it runs to it.
/// </remarks>
internal sealed class HubWriteCounter : IAsyncDisposable
{
    public const string WorkStatus = "work status";

    private readonly SharedInformerFactory _factory;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private long _lastPlacementPathWrite;

    private HubWriteCounter(SharedInformerFactory factory) => _factory = factory;

    /// <summary>The kinds counted, in print order.</summary>
    public static readonly string[] Kinds =
        ["placements", "policy snapshots", "resource snapshots", "bindings", "works", WorkStatus, "events", "member clusters"];

    /// <summary>When the last write to a placement, snapshot, binding or Work (spec or status) arrived (Stopwatch timestamp; 0: none).</summary>
    public long LastPlacementPathWrite => Interlocked.Read(ref _lastPlacementPathWrite);

    public static async Task<HubWriteCounter> StartAsync(KubernetesClient client, CancellationToken cancellationToken)
    {
        var factory = new SharedInformerFactory(client);
        var counter = new HubWriteCounter(factory);
        counter.Count(factory.For(PlacementMappings.Placements), "placements");
        counter.Count(factory.For(PlacementMappings.PolicySnapshots), "policy snapshots");
        counter.Count(factory.For(PlacementMappings.ResourceSnapshots), "resource snapshots");
        counter.Count(factory.For(PlacementMappings.Bindings), "bindings");
        counter.Count(factory.For(PlacementMappings.Events), "events");
        counter.Count(factory.For(PlacementMappings.MemberClusters), "member clusters");
        var works = factory.For(PlacementMappings.Works);
        works.AddEventHandler(
            onAdd: _ => counter.Add("works", placementPath: true),
            onUpdate: (old, current) => counter.Add(IsStatusOnly(old, current) ? WorkStatus : "works", placementPath: true),
            onDelete: _ => counter.Add("works", placementPath: true));
        factory.Start();
        await factory.WaitForCacheSyncAsync(cancellationToken).ConfigureAwait(false);
        // The initial lists are not writes.
        counter.Reset();
        return counter;
    }

    /// <summary>The counts so far, per kind.</summary>
    public Dictionary<string, long> Counts()
    {
        lock (_lock)
        {
            return new Dictionary<string, long>(_counts, StringComparer.Ordinal);
        }
    }

    /// <summary>"kind n, kind n, …" of the writes between two <see cref="Counts"/>.</summary>
    public static string Describe(Dictionary<string, long> before, Dictionary<string, long> after, double seconds = 0)
    {
        var parts = Kinds
            .Select(kind => (kind, n: after.GetValueOrDefault(kind) - before.GetValueOrDefault(kind)))
            .Where(p => p.n != 0)
            .Select(p => seconds > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{p.kind} {p.n / seconds:N0}/s")
                : string.Create(CultureInfo.InvariantCulture, $"{p.kind} {p.n:N0}"));
        var text = string.Join(", ", parts);
        return text.Length == 0 ? "none" : text;
    }

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    private void Count(SharedInformer<JsonObject> informer, string kind)
    {
        var placementPath = kind is not ("events" or "member clusters");
        informer.AddEventHandler(
            onAdd: _ => Add(kind, placementPath),
            onUpdate: (_, _) => Add(kind, placementPath),
            onDelete: _ => Add(kind, placementPath));
    }

    private void Add(string kind, bool placementPath)
    {
        lock (_lock)
        {
            _counts[kind] = _counts.GetValueOrDefault(kind) + 1;
        }
        if (placementPath)
        {
            Interlocked.Exchange(ref _lastPlacementPathWrite, Stopwatch.GetTimestamp());
        }
    }

    private void Reset()
    {
        lock (_lock)
        {
            _counts.Clear();
        }
        Interlocked.Exchange(ref _lastPlacementPathWrite, 0);
    }

    private static bool IsStatusOnly(JsonObject old, JsonObject current)
    {
        var a = old.Metadata();
        var b = current.Metadata();
        return JsonNode.DeepEquals(a["generation"], b["generation"]) && JsonNode.DeepEquals(a["labels"], b["labels"])
            && JsonNode.DeepEquals(a["annotations"], b["annotations"]) && JsonNode.DeepEquals(a["finalizers"], b["finalizers"])
            && JsonNode.DeepEquals(a["deletionTimestamp"], b["deletionTimestamp"]);
    }
}

/// <summary>
/// The controllers' own metrics (meter <see cref="ControllerMetrics.MeterName"/>), read in-process with a
/// <see cref="MeterListener"/>: reconciles finished, the time they took, and queue depth, per controller name.
/// Member agents' controllers (<c>work-applier</c>, <c>internalmembercluster</c>) report to the same meter and are
/// told apart by name (all members' summed under one name).
/// </summary>
internal sealed class ControllerActivity : IDisposable
{
    /// <summary>The member agent's controllers; every other controller name is a hub controller's.</summary>
    private static readonly HashSet<string> MemberControllers = new(["work-applier", "internalmembercluster"], StringComparer.Ordinal);

    /// <summary>
    /// The hub controller that is not on the placement path: it reconciles a MemberCluster on every heartbeat of its
    /// agent (through the IMC), so it is never idle for long in a fleet of 100.
    /// </summary>
    private const string MemberClusterController = "membercluster";

    private readonly MeterListener _listener = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ReconcileStats> _reconciles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _errors = new(StringComparer.Ordinal);
    private Dictionary<string, int> _depths = new(StringComparer.Ordinal);
    private long _lastPlacementReconcile;

    public ControllerActivity()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ControllerMetrics.MeterName
                && instrument.Name is ControllerMetrics.ReconcileDuration or ControllerMetrics.QueueDepth)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>(OnReconcile);
        _listener.SetMeasurementEventCallback<int>(OnDepth);
        _listener.Start();
    }

    /// <summary>When a placement-path hub controller last finished a reconcile (Stopwatch timestamp; 0: never).</summary>
    public long LastPlacementReconcile => Interlocked.Read(ref _lastPlacementReconcile);

    public static bool IsHubController(string name) => !MemberControllers.Contains(name);

    /// <summary>The hub's placement, scheduler, rollout and work-generator controllers (of either scope).</summary>
    public static bool IsPlacementController(string name) => IsHubController(name) && name != MemberClusterController;

    /// <summary>Reconciles finished so far and the time they took, per controller.</summary>
    public Dictionary<string, ReconcileStats> Reconciles()
    {
        lock (_lock)
        {
            return new Dictionary<string, ReconcileStats>(_reconciles, StringComparer.Ordinal);
        }
    }

    /// <summary>Reconciles that ended in an error so far, per controller.</summary>
    public Dictionary<string, long> Errors()
    {
        lock (_lock)
        {
            return new Dictionary<string, long>(_errors, StringComparer.Ordinal);
        }
    }

    /// <summary>Keys waiting for a worker now, per running controller (summed over controllers of one name).</summary>
    public Dictionary<string, int> Depths()
    {
        lock (_lock)
        {
            _depths = new Dictionary<string, int>(StringComparer.Ordinal);
            _listener.RecordObservableInstruments();
            return _depths;
        }
    }

    /// <summary>
    /// "name n (mean m ms)" of the reconciles between two counts, hub controllers first. The mean is the time a worker
    /// spent per reconcile: with the controller's worker count it says how busy the workers were.
    /// </summary>
    public static string Describe(Dictionary<string, ReconcileStats> before, Dictionary<string, ReconcileStats> after)
    {
        var parts = after
            .Select(p => (name: p.Key, delta: p.Value - before.GetValueOrDefault(p.Key)))
            .Where(p => p.delta.Count != 0)
            .OrderBy(p => IsHubController(p.name) ? 0 : 1).ThenBy(p => p.name, StringComparer.Ordinal)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.name} {p.delta.Count:N0} (mean {p.delta.Seconds * 1000 / p.delta.Count:N0} ms)"));
        var text = string.Join(", ", parts);
        return text.Length == 0 ? "none" : text;
    }

    public static string DescribeErrors(Dictionary<string, long> errors) =>
        string.Join(", ", errors.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:N0}")));

    public static string DescribeDepths(Dictionary<string, int> depths)
    {
        var parts = depths.Where(p => p.Value != 0).OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:N0}"));
        var text = string.Join(", ", parts);
        return text.Length == 0 ? "all empty" : text;
    }

    public void Dispose() => _listener.Dispose();

    private void OnReconcile(Instrument instrument, double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? controller = null;
        string? result = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "controller")
            {
                controller = tag.Value as string;
            }
            else if (tag.Key == "result")
            {
                result = tag.Value as string;
            }
        }
        if (controller is null)
        {
            return;
        }
        lock (_lock)
        {
            _reconciles[controller] = _reconciles.GetValueOrDefault(controller) + new ReconcileStats(1, seconds);
            if (result == "error")
            {
                _errors[controller] = _errors.GetValueOrDefault(controller) + 1;
            }
        }
        if (IsPlacementController(controller))
        {
            Interlocked.Exchange(ref _lastPlacementReconcile, Stopwatch.GetTimestamp());
        }
    }

    private void OnDepth(Instrument instrument, int value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "controller" && tag.Value is string controller)
            {
                // Called from RecordObservableInstruments, under _lock.
                _depths[controller] = _depths.GetValueOrDefault(controller) + value;
            }
        }
    }
}

/// <summary>How many reconciles finished and the seconds they took in all.</summary>
internal readonly record struct ReconcileStats(long Count, double Seconds)
{
    public static ReconcileStats operator +(ReconcileStats a, ReconcileStats b) => new(a.Count + b.Count, a.Seconds + b.Seconds);

    public static ReconcileStats operator -(ReconcileStats a, ReconcileStats b) => new(a.Count - b.Count, a.Seconds - b.Seconds);
}

/// <summary>
/// Counts the hub agent's own HTTP requests, as they leave its client (after its client-side rate limiter), by
/// subscribing to System.Net.Http's diagnostic events in-process. The hub controllers' client sends a User-Agent of
/// its own (<see cref="UserAgent"/>), which tells its requests apart from the member agents' and the load test's.
/// Requests are classed as verb and resource: <c>LIST bindings</c>, <c>PATCH placements</c>, <c>WATCH works</c>.
/// </summary>
internal sealed class HubAgentRequests : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    public const string UserAgent = "flotilla-hub-agent";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _subscriptions = [];
    private readonly IDisposable _all;

    public HubAgentRequests() => _all = DiagnosticListener.AllListeners.Subscribe(this);

    /// <summary>Requests so far, per class.</summary>
    public Dictionary<string, long> Counts()
    {
        lock (_lock)
        {
            return new Dictionary<string, long>(_counts, StringComparer.Ordinal);
        }
    }

    /// <summary>"total n/s (class n, …)" between two counts, the largest <paramref name="top"/> classes first.</summary>
    public static string Describe(Dictionary<string, long> before, Dictionary<string, long> after, double seconds, int top = int.MaxValue)
    {
        var deltas = after.Select(p => (name: p.Key, n: p.Value - before.GetValueOrDefault(p.Key))).Where(p => p.n != 0).OrderByDescending(p => p.n).ToList();
        var total = deltas.Sum(p => p.n);
        var parts = deltas.Take(top).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.name} {p.n:N0}"));
        return string.Create(CultureInfo.InvariantCulture, $"{total:N0} = {total / Math.Max(seconds, 0.001):N0}/s ({string.Join(", ", parts)})");
    }

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == "HttpHandlerDiagnosticListener")
        {
            lock (_lock)
            {
                // Only the request-start event: the handler then skips the rest of its diagnostics work.
                _subscriptions.Add(value.Subscribe(this, (name, _, _) => name is "System.Net.Http.HttpRequestOut" or "System.Net.Http.HttpRequestOut.Start"));
            }
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key != "System.Net.Http.HttpRequestOut.Start"
            || value.Value?.GetType().GetProperty("Request")?.GetValue(value.Value) is not HttpRequestMessage request
            || !request.Headers.TryGetValues("User-Agent", out var agents) || !agents.Contains(UserAgent))
        {
            return;
        }
        var name = Classify(request);
        lock (_lock)
        {
            _counts[name] = _counts.GetValueOrDefault(name) + 1;
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        _all.Dispose();
        lock (_lock)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Dispose();
            }
        }
    }

    /// <summary>The verb (LIST and WATCH told from GET) and the resource (placement kinds shortened) of an API request.</summary>
    private static string Classify(HttpRequestMessage request)
    {
        var uri = request.RequestUri;
        var segments = uri?.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        // /api/v1/[namespaces/ns/]resource[/name[/sub]] or /apis/group/version/[namespaces/ns/]resource[/name[/sub]]
        var rest = segments.Length > 0 && segments[0] == "api" ? segments.Skip(2).ToArray() : segments.Skip(3).ToArray();
        if (rest.Length >= 2 && rest[0] == "namespaces" && rest.Length > 2)
        {
            rest = rest[2..];
        }
        var resource = rest.Length > 0 ? rest[0] : "(discovery)";
        resource = resource.Replace("clusterresource", "", StringComparison.Ordinal).Replace("clusterschedulingpolicy", "policy", StringComparison.Ordinal);
        var query = uri?.Query ?? "";
        var verb = request.Method.Method;
        if (verb == "GET")
        {
            verb = query.Contains("watch=true", StringComparison.Ordinal) ? "WATCH" : rest.Length == 1 ? "LIST" : "GET";
        }
        var selector = verb == "LIST" && query.Contains("labelSelector", StringComparison.Ordinal) ? " by label" : "";
        var subresource = rest.Length >= 3 ? "/" + rest[2] : "";
        return $"{verb} {resource}{subresource}{selector}";
    }
}
