using System.Net;

namespace Flotilla.LoadBalancer;

/// <summary>
/// One backend endpoint of a <see cref="BackendPool"/>. The same instance lives on across endpoint updates that keep
/// its address, so its connection counts and health survive them.
/// </summary>
internal sealed class Backend(BackendPool pool, IPEndPoint endPoint)
{
    // Cancelled when this endpoint's connections must close: its drain timeout ended, or the host is disposed.
    // Registering takes a token source's internal spin lock, so there is one source per processor: connections on
    // different cores do not contend. Never disposed: they have no timers, and connections may still register on them
    // after a close (and are then closed at once).
    private readonly CancellationTokenSource[] _closeConnections = CreateCloseSources();
    private int _active;
    private long _connections;

    public BackendPool Pool { get; } = pool;

    public IPEndPoint EndPoint { get; } = endPoint;

    /// <summary>Connections to this endpoint open now, counting those still connecting (so P2C sees them at once).</summary>
    public int ActiveConnections => Volatile.Read(ref _active);

    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>Connections register here and close themselves when it is cancelled.</summary>
    public CancellationToken CloseToken => _closeConnections[(uint)Thread.GetCurrentProcessorId() % (uint)_closeConnections.Length].Token;

    // Health and lifecycle; written only under the pool's gate, read by statistics under it too.
    public bool PassivelyEjected { get; set; }

    public bool FailingActiveCheck { get; set; }

    public bool Draining { get; set; }

    public bool Healthy => !PassivelyEjected && !FailingActiveCheck;

    /// <summary>The pending re-admission after a passive ejection, if any.</summary>
    public BackendPool.Deadline? Readmission { get; set; }

    /// <summary>The pending close of this endpoint's connections while it drains, if any.</summary>
    public BackendPool.Deadline? DrainDeadline { get; set; }

    public void Enter() => Interlocked.Increment(ref _active);

    public void Exit() => Interlocked.Decrement(ref _active);

    public void CountConnection() => Interlocked.Increment(ref _connections);

    public void CloseConnections()
    {
        foreach (var source in _closeConnections)
        {
            source.Cancel();
        }
    }

    private static CancellationTokenSource[] CreateCloseSources()
    {
        // Capped: past a handful of cores, contention on one source is already rare, and each costs memory per endpoint.
        var sources = new CancellationTokenSource[Math.Min(Environment.ProcessorCount, 16)];
        for (var i = 0; i < sources.Length; i++)
        {
            sources[i] = new CancellationTokenSource();
        }
        return sources;
    }

    public override string ToString() => EndPoint.ToString();
}

/// <summary>
/// The endpoints new connections may go to, and the healthy subset: immutable, so pickers read it without locks and
/// writers swap in a new one.
/// </summary>
internal sealed class EndpointSet(Backend[] all, Backend[] healthy)
{
    public static EndpointSet Empty { get; } = new([], []);

    /// <summary>Every current (not draining) endpoint, in definition order.</summary>
    public Backend[] All { get; } = all;

    /// <summary>The endpoints neither passive nor active health has ejected; the same array as <see cref="All"/> when
    /// all are healthy.</summary>
    public Backend[] Healthy { get; } = healthy;
}
