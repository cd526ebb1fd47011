using Flotilla.Api.Meta;
using Flotilla.Client;
using Flotilla.Runtime.Controllers;

namespace Flotilla.LocalCluster.Common;

/// <summary>
/// Treats 409 Conflict as the expected outcome it is: the reconcile read a cache older than the object (often our
/// own previous write) and is simply retried with backoff, without logging an error. Every other failure passes
/// through.
/// </summary>
internal sealed class RequeueOnConflict<TKey>(IReconciler<TKey> inner) : IReconciler<TKey>
{
    public async Task<ReconcileResult> ReconcileAsync(TKey key, CancellationToken cancellationToken)
    {
        try
        {
            return await inner.ReconcileAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsConflict())
        {
            return ReconcileResult.Requeue;
        }
    }
}
