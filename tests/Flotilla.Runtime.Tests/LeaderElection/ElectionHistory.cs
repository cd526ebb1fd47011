using System.Globalization;
using System.Text;

namespace Flotilla.Runtime.Tests.LeaderElection;

internal enum Happening
{
    Started,
    Stopped,
    NewLeader,
}

/// <summary>One thing a candidate reported, in the order it happened (<see cref="Sequence"/>) and when by the shared clock;
/// <see cref="Detail"/> is the new leader's identity for <see cref="Happening.NewLeader"/>.</summary>
internal sealed record ElectionEntry(long Sequence, DateTimeOffset Time, string Identity, Happening What, string? Detail);

/// <summary>What every candidate (or its component) reported, with timestamps from the shared clock.</summary>
internal sealed class ElectionHistory(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly List<ElectionEntry> _entries = [];

    public IReadOnlyList<ElectionEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    public void Record(string identity, Happening what, string? detail = null)
    {
        lock (_lock)
        {
            _entries.Add(new ElectionEntry(_entries.Count, time.GetUtcNow(), identity, what, detail));
        }
    }

    public IReadOnlyList<ElectionEntry> Of(string identity, Happening what) =>
        [.. Entries.Where(e => e.Identity == identity && e.What == what)];

    /// <summary>The time of the only <paramref name="what"/> of <paramref name="identity"/>, failing with the history otherwise.</summary>
    public DateTimeOffset Single(string identity, Happening what)
    {
        var entries = Of(identity, what);
        return entries.Count == 1 ? entries[0].Time : throw new Xunit.Sdk.XunitException($"expected one {what} of {identity}, got {entries.Count}:\n{Dump()}");
    }

    /// <summary>
    /// Replays the history in the order things happened: no one starts while another leads, and no start is
    /// stamped before the previous leader's stop.
    /// </summary>
    public void AssertNeverTwoLeaders()
    {
        var leading = new HashSet<string>();
        var lastStop = DateTimeOffset.MinValue;
        foreach (var entry in Entries)
        {
            switch (entry.What)
            {
                case Happening.Started:
                    if (leading.Count > 0 || entry.Time < lastStop)
                    {
                        throw new Xunit.Sdk.XunitException($"{entry.Identity} started leading at {entry.Time:O} while {string.Join(", ", leading)} led (last stop {lastStop:O}):\n{Dump()}");
                    }
                    leading.Add(entry.Identity);
                    break;
                case Happening.Stopped:
                    if (!leading.Remove(entry.Identity))
                    {
                        throw new Xunit.Sdk.XunitException($"{entry.Identity} stopped without leading:\n{Dump()}");
                    }
                    lastStop = entry.Time;
                    break;
            }
        }
    }

    public string Dump()
    {
        var text = new StringBuilder();
        foreach (var e in Entries)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  #{e.Sequence} {e.Time:HH:mm:ss.fff} {e.Identity} {e.What} {e.Detail}");
        }
        return text.ToString();
    }
}
