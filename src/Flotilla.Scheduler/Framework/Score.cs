using System.Globalization;

namespace Flotilla.Scheduler.Framework;

/// <summary>
/// A cluster's score (placement spec §3.4), compared lexicographically: topology spread first, then affinity, then
/// the internal obsolete-placement tie-breaker (which is never written to the API).
/// </summary>
public readonly record struct Score(int TopologySpread, int Affinity, int ObsoletePlacementAffinity) : IComparable<Score>
{
    public static Score operator +(Score left, Score right) => new(
        left.TopologySpread + right.TopologySpread,
        left.Affinity + right.Affinity,
        left.ObsoletePlacementAffinity + right.ObsoletePlacementAffinity);

    public int CompareTo(Score other)
    {
        var c = TopologySpread.CompareTo(other.TopologySpread);
        if (c != 0)
        {
            return c;
        }
        c = Affinity.CompareTo(other.Affinity);
        return c != 0 ? c : ObsoletePlacementAffinity.CompareTo(other.ObsoletePlacementAffinity);
    }

    public static bool operator <(Score left, Score right) => left.CompareTo(right) < 0;

    public static bool operator >(Score left, Score right) => left.CompareTo(right) > 0;

    public static bool operator <=(Score left, Score right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Score left, Score right) => left.CompareTo(right) >= 0;

    /// <summary>"(affinity score: X, topology spread score: Y)", as decision reasons show scores.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"(affinity score: {Affinity}, topology spread score: {TopologySpread})");
}
