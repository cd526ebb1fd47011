namespace Flotilla.Hub.Placement.Snapshots;

/// <summary>One existing resource snapshot of a placement, as the lifecycle reads it (placement spec §2.2).</summary>
/// <param name="Name">The object's name.</param>
/// <param name="Index">Its <c>resource-index</c> label (the group it belongs to).</param>
/// <param name="IsMaster">It carries the <c>resource-hash</c> annotation (the group's master), rather than <c>subindex-of-resource-snapshot</c>.</param>
/// <param name="Subindex">A sub-index snapshot's <c>subindex-of-resource-snapshot</c>; null for a master.</param>
/// <param name="Latest">Its <c>is-latest-snapshot</c> label is "true".</param>
/// <param name="Hash">A master's <c>resource-hash</c>.</param>
/// <param name="GroupSize">A master's <c>number-of-resource-snapshots</c>.</param>
/// <param name="Created">Its creationTimestamp.</param>
/// <param name="CandidateDetected">A master's <c>next-resource-snapshot-candidate-detection-time</c>.</param>
internal sealed record ExistingResourceSnapshot(
    string Name, int Index, bool IsMaster, int? Subindex, bool Latest, string? Hash, int GroupSize, DateTimeOffset Created, DateTimeOffset? CandidateDetected);

/// <summary>How often resource snapshots may be created (hub flags, placement spec §2.2 step 5).</summary>
/// <param name="MinimumInterval"><c>--resource-snapshot-creation-minimum-interval</c>: default 30 s; zero or less disables.</param>
/// <param name="CollectionDuration"><c>--resource-changes-collection-duration</c>: default 15 s; zero or less disables.</param>
internal sealed record SnapshotCreationLimits(TimeSpan MinimumInterval, TimeSpan CollectionDuration)
{
    public static SnapshotCreationLimits Default { get; } = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(15));
}

/// <summary>What to write for a placement's resource snapshots this reconcile; applied in the order of the properties.</summary>
internal sealed record ResourceSnapshotActions
{
    /// <summary>The master of the latest group after this reconcile (the placement's <c>observedResourceIndex</c>); null when none exists yet.</summary>
    public ExistingResourceSnapshot? Latest { get; init; }

    /// <summary>The latest master needs its <c>is-latest-snapshot</c> label set to "true" again.</summary>
    public bool RelabelLatest { get; init; }

    /// <summary>Sub-indexes of the latest group to (re)create: a group left incomplete by a crash.</summary>
    public IReadOnlyList<int> MissingSubindexes { get; init; } = [];

    /// <summary>Record on the latest master when a change was first seen (the throttle's clock starts).</summary>
    public DateTimeOffset? MarkCandidateDetected { get; init; }

    /// <summary>The old master to label <c>is-latest-snapshot: "false"</c> before the new group is created.</summary>
    public string? Unlatest { get; init; }

    /// <summary>Whole groups (resource indexes) to delete, oldest first, so the history stays within its limit.</summary>
    public IReadOnlyList<int> DeleteGroups { get; init; } = [];

    /// <summary>The resource index of the new group to create (master first, then its sub-indexes); null when none.</summary>
    public int? CreateIndex { get; init; }

    /// <summary>When throttled: how long until the new group may be created.</summary>
    public TimeSpan? RequeueAfter { get; init; }
}

/// <summary>
/// The resource snapshot lifecycle of a placement (placement spec §2.2, RollingUpdate), as a pure decision: given
/// its existing snapshots and the hash and size of what it selects now, whether to keep the latest group (repairing
/// it), or to start a new one — no sooner than the creation limits allow — and which old groups to delete.
/// </summary>
internal static class ResourceSnapshotLifecycle
{
    /// <param name="existing">The placement's resource snapshots.</param>
    /// <param name="hash">The <c>resource-hash</c> of the current selection.</param>
    /// <param name="groupSize">How many snapshot objects the current selection needs (master included).</param>
    /// <param name="revisionHistoryLimit">How many groups to keep, the new one included.</param>
    /// <param name="limits">The creation throttle.</param>
    /// <param name="now">The current time.</param>
    public static ResourceSnapshotActions Plan(
        IReadOnlyList<ExistingResourceSnapshot> existing, string hash, int groupSize, int revisionHistoryLimit, SnapshotCreationLimits limits, DateTimeOffset now)
    {
        var latest = LatestMaster(existing);
        if (latest is not null && latest.Hash == hash)
        {
            var present = existing.Where(s => s.Index == latest.Index && !s.IsMaster && s.Subindex is not null).Select(s => s.Subindex!.Value).ToHashSet();
            var missing = Enumerable.Range(0, Math.Max(0, latest.GroupSize - 1)).Where(i => !present.Contains(i)).ToList();
            return new ResourceSnapshotActions { Latest = latest, RelabelLatest = !latest.Latest, MissingSubindexes = missing };
        }

        if (latest is not null && latest.Latest)
        {
            // A change: wait for more changes to collect, and keep snapshots at least the minimum interval apart.
            var detected = latest.CandidateDetected ?? now;
            var allowed = Max(
                limits.CollectionDuration > TimeSpan.Zero ? detected + limits.CollectionDuration : DateTimeOffset.MinValue,
                limits.MinimumInterval > TimeSpan.Zero ? latest.Created + limits.MinimumInterval : DateTimeOffset.MinValue);
            if (now < allowed)
            {
                return new ResourceSnapshotActions
                {
                    Latest = latest,
                    MarkCandidateDetected = latest.CandidateDetected is null ? now : null,
                    RequeueAfter = allowed - now,
                };
            }
        }

        var groups = existing.Select(s => s.Index).Distinct().Order().ToList();
        var keep = Math.Max(0, revisionHistoryLimit - 1);
        return new ResourceSnapshotActions
        {
            Latest = latest,
            Unlatest = latest is { Latest: true } ? latest.Name : null,
            DeleteGroups = groups.Take(Math.Max(0, groups.Count - keep)).ToList(),
            CreateIndex = groups.LastOrDefault(-1) + 1,
        };
    }

    /// <summary>The master labelled latest; failing that (a crash between steps), the highest group's master.</summary>
    internal static ExistingResourceSnapshot? LatestMaster(IReadOnlyList<ExistingResourceSnapshot> existing) =>
        existing.FirstOrDefault(s => s.IsMaster && s.Latest)
        ?? existing.Where(s => s.IsMaster).OrderByDescending(s => s.Index).FirstOrDefault();

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
