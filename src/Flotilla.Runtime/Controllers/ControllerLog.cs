using Microsoft.Extensions.Logging;

namespace Flotilla.Runtime.Controllers;

internal static partial class ControllerLog
{
    private static readonly Func<ILogger, string, string, IDisposable?> ReconcileScope =
        LoggerMessage.DefineScope<string, string>("{Controller} {Key}");

    /// <summary>The one scope of a reconcile: structured as <c>Controller</c> and <c>Key</c>.</summary>
    public static IDisposable? BeginReconcileScope(ILogger logger, string controller, string key) => ReconcileScope(logger, controller, key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Starting controller {Controller} with {Workers} worker(s)")]
    public static partial void Starting(ILogger logger, string controller, int workers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped controller {Controller}")]
    public static partial void Stopped(ILogger logger, string controller);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Controller {Controller}: grace period over with {InFlight} reconcile(s) still running; cancelling them")]
    public static partial void CancellingInFlight(ILogger logger, string controller, int inFlight);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reconciled {Key}: {Result} ({ElapsedMilliseconds} ms)")]
    public static partial void Reconciled(ILogger logger, string key, ReconcileResult result, double elapsedMilliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconcile of {Key} failed (retry {Retry}); retrying with backoff")]
    public static partial void ReconcileFailed(ILogger logger, Exception exception, string key, int retry);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reconcile of {Key} cancelled: the controller is stopping")]
    public static partial void ReconcileCancelled(ILogger logger, string key);
}
