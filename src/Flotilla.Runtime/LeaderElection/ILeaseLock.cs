using System.Text.Json.Nodes;

namespace Flotilla.Runtime.LeaderElection;

/// <summary>
/// Where the election's record lives: one Lease object. The transport seam of <see cref="LeaderElector"/>
/// (client-go's <c>resourcelock.Interface</c>): tests wrap it to stall or observe a candidate's requests.
/// </summary>
internal interface ILeaseLock
{
    /// <summary><c>namespace/name</c> of the Lease, for logs.</summary>
    string Description { get; }

    /// <summary>The Lease, or null when it does not exist.</summary>
    Task<JsonObject?> GetAsync(CancellationToken cancellationToken);

    /// <summary>Creates the Lease holding <paramref name="record"/>; 409 AlreadyExists when another candidate was first.</summary>
    Task<JsonObject> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the record of <paramref name="current"/> (as last read or written) with <paramref name="record"/>,
    /// guarded by its resourceVersion: 409 Conflict when anyone wrote the Lease since.
    /// </summary>
    Task<JsonObject> UpdateAsync(JsonObject current, LeaderElectionRecord record, CancellationToken cancellationToken);
}
