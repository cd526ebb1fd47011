using System.Text.Json.Nodes;

namespace Flotilla.Client;

/// <summary>One page of a list (or, from <c>ListAllAsync</c>, every page).</summary>
/// <param name="Items">The objects.</param>
/// <param name="ResourceVersion">
/// The list's resourceVersion: watch from it to get exactly the changes after this list (no gaps, no duplicates).
/// </param>
/// <param name="Continue">The token for the next page; null on the last page.</param>
/// <param name="RemainingItemCount">The server's estimate of items after this page, when it gives one.</param>
public sealed record ResourceList<T>(IReadOnlyList<T> Items, string ResourceVersion, string? Continue, long? RemainingItemCount);

/// <summary>
/// What a delete returned: the object (when deletion is pending on finalizers, and for some kinds always) or a
/// <c>Status</c> with <c>status: Success</c> (when the object is gone).
/// </summary>
public sealed record DeleteResult<T>(T? Object, JsonObject? Status)
    where T : class
{
    /// <summary>True when the server returned the object rather than a Status.</summary>
    public bool ReturnedObject => Object is not null;
}
