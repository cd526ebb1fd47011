using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.Client;

namespace Flotilla.LoadTest;

/// <summary>
/// Step 4 of <c>propagation</c>: a hub-agent restart with the state steps 2 and 3 left. The hub controllers are
/// stopped and new ones started (new client, empty caches and queues) while the hub API server and the members keep
/// running; the step measures how long they take to go through everything again, and checks that doing so wrote
/// nothing to any member.
/// </summary>
/// <remarks>
/// "Resync complete" is the end of the last reconcile of a placement-path controller (placement, scheduler,
/// rollout, work generator) after which all hub queues stayed empty and no such reconcile ran for
/// <see cref="Quiet"/>: every key the new controllers' informers listed has been reconciled and nothing they did
/// gave them more work. The membercluster controller is left out: it reconciles on every member heartbeat.
/// </remarks>
internal static class PropagationResync
{
    private const string Scenario = "propagation";

    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    public static async Task<List<Figure>> RunAsync(PropagationFleet fleet, HubWriteCounter writes, ControllerActivity activity, HubAgentRequests requests,
        CancellationToken cancellationToken)
    {
        var settled = await WaitForQuietWritesAsync(writes, TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  step 4: placement-path writes quiet for {Quiet.TotalSeconds:F0} s after {settled.TotalSeconds:F1} s; recording the state"));
        var placementsBefore = await ObjectsAsync(fleet.Admin, PlacementMappings.Placements, cancellationToken).ConfigureAwait(false);
        var policiesBefore = await ObjectsAsync(fleet.Admin, PlacementMappings.PolicySnapshots, cancellationToken).ConfigureAwait(false);
        var bindingsBefore = await ObjectsAsync(fleet.Admin, PlacementMappings.Bindings, cancellationToken).ConfigureAwait(false);
        var membersBefore = await MemberState.CaptureAsync(fleet.Members, cancellationToken).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"          {placementsBefore.Count:N0} placements, {bindingsBefore.Count:N0} bindings; {membersBefore.Sum(m => m.Objects.Count):N0} objects on the members (placed kinds and AppliedWorks)"));

        var writesBefore = writes.Counts();
        var reconcilesBefore = activity.Reconciles();
        var requestsBefore = requests.Counts();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var restart = Stopwatch.GetTimestamp();
        await fleet.StopControllersAsync().ConfigureAwait(false);
        var stopped = Stopwatch.GetTimestamp();
        await fleet.StartControllersAsync(cancellationToken).ConfigureAwait(false);
        var running = Stopwatch.GetTimestamp();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"          hub controllers stopped in {Scenarios.Milliseconds(restart, stopped):F0} ms; new ones synced their caches and started in {Scenarios.Milliseconds(stopped, running):F0} ms"));

        long completed = 0;
        await using (PropagationProgress.Start(() => "resyncing", writes, activity, requests, TimeSpan.FromSeconds(5), cancellationToken))
        {
            while (Stopwatch.GetElapsedTime(restart) < Limit)
            {
                var busy = activity.Depths().Where(d => ControllerActivity.IsPlacementController(d.Key)).Sum(d => d.Value);
                var last = Math.Max(activity.LastPlacementReconcile, running);
                if (busy == 0 && Stopwatch.GetElapsedTime(last) >= Quiet)
                {
                    completed = last;
                    break;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            }
        }
        var resync = completed == 0 ? double.NaN : Scenarios.Milliseconds(restart, completed);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var writesAtResync = writes.Counts();
        var reconcilesAtResync = activity.Reconciles();
        var requestsAtResync = requests.Counts();
        var resyncMeasured = Stopwatch.GetTimestamp();
        // Whatever the resync changed in a Work reaches the member a moment later: wait for the agents to settle too.
        var afterSettled = await WaitForQuietWritesAsync(writes, TimeSpan.FromMinutes(1), cancellationToken).ConfigureAwait(false);
        var placementsAfter = await ObjectsAsync(fleet.Admin, PlacementMappings.Placements, cancellationToken).ConfigureAwait(false);
        var policiesAfter = await ObjectsAsync(fleet.Admin, PlacementMappings.PolicySnapshots, cancellationToken).ConfigureAwait(false);
        var bindingsAfter = await ObjectsAsync(fleet.Admin, PlacementMappings.Bindings, cancellationToken).ConfigureAwait(false);
        var membersAfter = await MemberState.CaptureAsync(fleet.Members, cancellationToken).ConfigureAwait(false);

        var placementsChanged = Changed(placementsBefore, placementsAfter);
        var policiesChanged = Changed(policiesBefore, policiesAfter);
        var bindingsChanged = Changed(bindingsBefore, bindingsAfter);
        var memberChanges = membersBefore.Zip(membersAfter, MemberState.Compare).ToList();
        var objectsChanged = memberChanges.Sum(c => c.Changed.Count);
        var revisionsAdvanced = memberChanges.Sum(c => c.RevisionAdvance);
        var membersWritten = memberChanges.Count(c => c.Changed.Count > 0 || c.RevisionAdvance > 0);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  step 4: resync complete {(completed == 0 ? $"NOT within {Limit.TotalSeconds:F0} s" : $"{resync / 1000:F2} s after the restart")} (last placement-path reconcile, then queues empty and {Quiet.TotalSeconds:F0} s quiet); CPU {cpu.TotalSeconds:F0} s; load {Program.LoadAverage()}"));
        Console.WriteLine($"          reconciles during resync: {ControllerActivity.Describe(reconcilesBefore, reconcilesAtResync)}");
        Console.WriteLine($"          hub writes during resync: {HubWriteCounter.Describe(writesBefore, writesAtResync)}");
        Console.WriteLine($"          hub agent requests during resync: {HubAgentRequests.Describe(requestsBefore, requestsAtResync, Scenarios.Milliseconds(restart, resyncMeasured) / 1000, top: 12)}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"          then quiet again after {afterSettled.TotalSeconds:F1} s; changed: placements {placementsChanged.Count:N0}/{placementsBefore.Count:N0}, policy snapshots {policiesChanged.Count:N0}/{policiesBefore.Count:N0}, bindings {bindingsChanged.Count:N0}/{bindingsBefore.Count:N0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"          members: {objectsChanged:N0} objects changed on {membersWritten} of {memberChanges.Count} members; store revisions advanced by {revisionsAdvanced:N0} in all"));
        // What a resync changed, for the first object of each kind: the fields that differ.
        foreach (var (kind, changed, before, after) in new[]
        {
            ("placement", placementsChanged, placementsBefore, placementsAfter),
            ("policy snapshot", policiesChanged, policiesBefore, policiesAfter),
            ("binding", bindingsChanged, bindingsBefore, bindingsAfter),
        })
        {
            if (changed.FirstOrDefault() is { } key)
            {
                var differences = JsonDifferences(before.GetValueOrDefault(key), after.GetValueOrDefault(key), "").Take(8);
                Console.WriteLine($"          {kind} {key}: {string.Join("; ", differences)}");
            }
        }
        foreach (var sample in memberChanges.SelectMany(c => c.Changed.Select(k => $"{c.Member}: {k}")).Take(5))
        {
            Console.WriteLine($"          member object changed: {sample}");
        }
        var memberWrites = objectsChanged + revisionsAdvanced;
        return
        [
            new(Scenario, "resync after hub restart", PropagationScenario.Seconds(resync), "≤ 60 s", completed != 0 && resync <= 60_000),
            new(Scenario, "member writes during resync", string.Create(CultureInfo.InvariantCulture, $"{memberWrites:N0}"), "0", memberWrites == 0),
            new(Scenario, "hub writes during resync", HubWriteCounter.Describe(writesBefore, writesAtResync), "", true),
            new(Scenario, "placements changed by resync", string.Create(CultureInfo.InvariantCulture, $"{placementsChanged.Count:N0}/{placementsBefore.Count:N0}"), "", true),
        ];
    }

    /// <summary>Waits until no placement, snapshot, binding or Work write has arrived for <see cref="Quiet"/> (bounded); returns how long it took.</summary>
    private static async Task<TimeSpan> WaitForQuietWritesAsync(HubWriteCounter writes, TimeSpan limit, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < limit)
        {
            var last = writes.LastPlacementPathWrite;
            if (last == 0 || Stopwatch.GetElapsedTime(last) >= Quiet)
            {
                break;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
        }
        return Stopwatch.GetElapsedTime(start);
    }

    private static async Task<Dictionary<string, JsonObject>> ObjectsAsync(KubernetesClient client, ResourceMapping mapping, CancellationToken cancellationToken)
    {
        var list = await client.Resource(mapping).ListAllAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return list.Items.ToDictionary(o => o.Namespace() + "/" + o.Name(), StringComparer.Ordinal);
    }

    /// <summary>Keys whose resourceVersion changed, or that appeared or went.</summary>
    private static List<string> Changed(Dictionary<string, JsonObject> before, Dictionary<string, JsonObject> after) =>
    [
        .. before.Where(p => !after.TryGetValue(p.Key, out var o) || o.ResourceVersion() != p.Value.ResourceVersion()).Select(p => p.Key),
        .. after.Keys.Where(k => !before.ContainsKey(k)),
    ];

    /// <summary>"path: before → after" for every leaf that differs (managedFields and resourceVersion left out).</summary>
    private static IEnumerable<string> JsonDifferences(JsonNode? before, JsonNode? after, string path)
    {
        if (path is "/metadata/managedFields" or "/metadata/resourceVersion")
        {
            yield break;
        }
        if (before is JsonObject a && after is JsonObject b)
        {
            foreach (var name in a.Select(p => p.Key).Union(b.Select(p => p.Key), StringComparer.Ordinal))
            {
                foreach (var difference in JsonDifferences(a[name], b[name], $"{path}/{name}"))
                {
                    yield return difference;
                }
            }
        }
        else if (before is JsonArray x && after is JsonArray y && x.Count == y.Count)
        {
            for (var i = 0; i < x.Count; i++)
            {
                foreach (var difference in JsonDifferences(x[i], y[i], $"{path}/{i}"))
                {
                    yield return difference;
                }
            }
        }
        else if (!JsonNode.DeepEquals(before, after))
        {
            yield return $"{path}: {Short(before)} → {Short(after)}";
        }

        static string Short(JsonNode? node)
        {
            var text = node?.ToJsonString() ?? "(none)";
            return text.Length <= 80 ? text : text[..77] + "...";
        }
    }
}

/// <summary>
/// What one member's API server holds of what placements write there: every object of the placed kinds and every
/// AppliedWork, with its resourceVersion, and the store's revision (one global counter per server, which any
/// write at all advances).
/// </summary>
internal sealed record MemberState(string Member, long Revision, Dictionary<string, string> Objects)
{
    private static readonly ResourceMapping[] Kinds =
    [
        PlacementMappings.Namespaces, PlacementMappings.ConfigMaps, PlacementMappings.Secrets, PlacementMappings.ServiceAccounts,
        PlacementMappings.Roles, PlacementMappings.RoleBindings, PlacementMappings.AppliedWorks,
    ];

    public static async Task<List<MemberState>> CaptureAsync(IReadOnlyList<LightMember> members, CancellationToken cancellationToken)
    {
        var states = new MemberState[members.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, members.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) => states[i] = await CaptureAsync(members[i], ct).ConfigureAwait(false)).ConfigureAwait(false);
        return [.. states];
    }

    public static (string Member, List<string> Changed, long RevisionAdvance) Compare(MemberState before, MemberState after)
    {
        var changed = new List<string>();
        changed.AddRange(before.Objects.Where(p => !after.Objects.TryGetValue(p.Key, out var rv) || rv != p.Value).Select(p => p.Key));
        changed.AddRange(after.Objects.Keys.Where(k => !before.Objects.ContainsKey(k)));
        return (before.Member, changed, after.Revision - before.Revision);
    }

    private static async Task<MemberState> CaptureAsync(LightMember member, CancellationToken cancellationToken)
    {
        var objects = new Dictionary<string, string>(StringComparer.Ordinal);
        var revision = 0L;
        foreach (var kind in Kinds)
        {
            var list = await member.Admin.Resource(kind).ListAllAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var item in list.Items)
            {
                objects[$"{kind.Kind.Kind} {item.Namespace()}/{item.Name()}"] = item.ResourceVersion();
            }
            revision = Math.Max(revision, long.Parse(list.ResourceVersion, CultureInfo.InvariantCulture));
        }
        return new MemberState(member.Name, revision, objects);
    }
}
