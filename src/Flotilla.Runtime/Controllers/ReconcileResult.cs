namespace Flotilla.Runtime.Controllers;

/// <summary>What a <see cref="Controller{TKey}"/> does with a key after reconciling it.</summary>
public enum ReconcileAction
{
    /// <summary>Nothing more until the key is added again; its retry count is reset.</summary>
    Done,

    /// <summary>Reconcile again after the rate limiter's backoff; counts as a retry.</summary>
    Requeue,

    /// <summary>Reconcile again after <see cref="ReconcileResult.Delay"/>; the retry count is reset.</summary>
    RequeueAfter,
}

/// <summary>The outcome of <see cref="IReconciler{TKey}.ReconcileAsync"/>.</summary>
public readonly record struct ReconcileResult
{
    private ReconcileResult(ReconcileAction action, TimeSpan delay)
    {
        Action = action;
        Delay = delay;
    }

    /// <summary>Reconciled; nothing more to do until the key changes.</summary>
    public static ReconcileResult Done => default;

    /// <summary>Not finished: reconcile again after the rate limiter's backoff.</summary>
    public static ReconcileResult Requeue => new(ReconcileAction.Requeue, TimeSpan.Zero);

    /// <summary>What happens next.</summary>
    public ReconcileAction Action { get; }

    /// <summary>For <see cref="ReconcileAction.RequeueAfter"/>, how long to wait; otherwise zero.</summary>
    public TimeSpan Delay { get; }

    /// <summary>Reconcile again once <paramref name="delay"/> has passed (at once when zero), without backoff.</summary>
    public static ReconcileResult RequeueAfter(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new ReconcileResult(ReconcileAction.RequeueAfter, delay);
    }

    /// <inheritdoc />
    public override string ToString() => Action == ReconcileAction.RequeueAfter ? $"RequeueAfter({Delay})" : Action.ToString();
}
