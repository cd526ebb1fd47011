namespace Flotilla.Runtime.Controllers;

/// <summary>
/// Brings the world in line with what one key's object asks for. Called by a <see cref="Controller{TKey}"/>,
/// never concurrently for the same key. Level-triggered: it is given the key only, reads current state and
/// must be safe to call again at any time.
/// </summary>
/// <typeparam name="TKey">The controller's key type.</typeparam>
public interface IReconciler<in TKey>
{
    /// <summary>
    /// Reconciles <paramref name="key"/>. Return what should happen next; throwing means "retry with backoff"
    /// (and the exception is logged).
    /// </summary>
    /// <param name="key">The key to reconcile.</param>
    /// <param name="cancellationToken">Cancelled when the controller stops and its grace period for in-flight
    /// reconciles has run out; honour it promptly.</param>
    Task<ReconcileResult> ReconcileAsync(TKey key, CancellationToken cancellationToken);
}
