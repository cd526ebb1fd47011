using System.Runtime.InteropServices;

namespace Flotilla.Cli.Commands;

/// <summary>
/// SIGINT/SIGTERM turned into a clean shutdown instead of process termination. Create it before announcing that the
/// command is ready, so a signal sent right after the announcement is never missed.
/// </summary>
/// <remarks>Disposing removes the handlers, so a second signal during the shutdown terminates the process at once.</remarks>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _signalled;
    private readonly PosixSignalRegistration _sigint;
    private readonly PosixSignalRegistration _sigterm;

    public ShutdownSignal(CancellationToken cancellationToken)
    {
        _signalled = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Cancelled on the first signal (or when the command's own token is).</summary>
    public CancellationToken Token => _signalled.Token;

    /// <summary>Completes on the first signal.</summary>
    public Task WaitAsync()
    {
        var signalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Token.Register(() => signalled.TrySetResult());
        return signalled.Task;
    }

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
        _signalled.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        _signalled.Cancel();
    }
}
