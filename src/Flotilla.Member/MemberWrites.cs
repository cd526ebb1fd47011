using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Client;
using Flotilla.Runtime.Controllers;

namespace Flotilla.Member;

/// <summary>How the member agent's controllers write: finalizer lists as compare-and-swap patches, lost races as retries.</summary>
internal static class MemberWrites
{
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

    public static Patch FinalizersPatch(ObjectMeta meta, string finalizer, bool add)
    {
        var finalizers = (meta.Finalizers ?? []).Where(f => f != finalizer).ToList();
        if (add)
        {
            finalizers.Add(finalizer);
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
}
