using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Client;
using Flotilla.Runtime.Controllers;

namespace Flotilla.Hub.Placement;

/// <summary>How the placement controllers write: finalizer lists as compare-and-swap patches, conflicts as retries.</summary>
internal static class Writes
{
    /// <summary>A merge patch of the finalizer list, pinned to the resourceVersion so a concurrent change is not lost.</summary>
    public static Patch FinalizersPatch(ObjectMeta meta, string? add = null, string? remove = null)
    {
        var finalizers = (meta.Finalizers ?? []).Where(f => f != remove).ToList();
        if (add is not null && !finalizers.Contains(add))
        {
            finalizers.Add(add);
        }
        return Patch.Merge(new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = meta.ResourceVersion,
                ["finalizers"] = new JsonArray([.. finalizers.Select(f => (JsonNode)f)]),
            },
        });
    }

    /// <summary>
    /// Runs a reconcile; a write that lost a race requeues the key with backoff instead of failing: a 409 Conflict, or an
    /// AlreadyExists for an object the cache had not seen yet.
    /// </summary>
    public static async Task<ReconcileResult> RequeueOnConflictAsync(Func<Task<ReconcileResult>> reconcile)
    {
        try
        {
            return await reconcile().ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsConflict() || e.IsAlreadyExists())
        {
            return ReconcileResult.Requeue;
        }
    }
}
