using System.Globalization;
using System.Text.Json.Nodes;

namespace Flotilla.Runtime.LeaderElection;

/// <summary>
/// The leader-election state a Lease's <c>spec</c> holds (client-go's <c>LeaderElectionRecord</c>). The times are
/// kept as the strings their writer sent: a candidate never interprets another candidate's clock, it only notices
/// that the record changed (see <see cref="LeaderElector"/>).
/// </summary>
/// <param name="HolderIdentity">Who holds the lease; empty when nobody does (e.g. after a release).</param>
/// <param name="LeaseDurationSeconds">How long others must wait, after seeing the record last change, before taking over.</param>
/// <param name="AcquireTime">When the holder acquired the lease, by the holder's clock (MicroTime).</param>
/// <param name="RenewTime">When the holder last renewed, by the holder's clock (MicroTime).</param>
/// <param name="LeaseTransitions">How many times the lease changed hands.</param>
internal sealed record LeaderElectionRecord(string HolderIdentity, int LeaseDurationSeconds, string? AcquireTime, string? RenewTime, int LeaseTransitions)
{
    /// <summary>Reads the record from a Lease object; absent fields read as their zero values, as upstream's do.</summary>
    public static LeaderElectionRecord FromLease(JsonObject lease)
    {
        var spec = lease["spec"] as JsonObject;
        return new LeaderElectionRecord(
            Text(spec, "holderIdentity") ?? string.Empty,
            Number(spec, "leaseDurationSeconds"),
            Text(spec, "acquireTime"),
            Text(spec, "renewTime"),
            Number(spec, "leaseTransitions"));
    }

    /// <summary>Writes the record into <paramref name="lease"/>'s <c>spec</c>, keeping spec fields it does not own.</summary>
    public void WriteTo(JsonObject lease)
    {
        if (lease["spec"] is not JsonObject spec)
        {
            spec = [];
            lease["spec"] = spec;
        }
        spec["holderIdentity"] = HolderIdentity;
        spec["leaseDurationSeconds"] = LeaseDurationSeconds;
        spec["acquireTime"] = AcquireTime;
        spec["renewTime"] = RenewTime;
        spec["leaseTransitions"] = LeaseTransitions;
    }

    /// <summary>A Kubernetes <c>MicroTime</c>: RFC 3339 in UTC with exactly six fractional digits.</summary>
    public static string FormatMicroTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static string? Text(JsonObject? spec, string field) =>
        spec?[field] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static int Number(JsonObject? spec, string field) =>
        spec?[field] is JsonValue value && value.TryGetValue<int>(out var number) ? number : 0;
}
