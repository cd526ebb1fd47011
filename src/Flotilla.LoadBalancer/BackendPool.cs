using System.Net;

namespace Flotilla.LoadBalancer;

/// <summary>
/// The backends of one service port: picks one per new connection, tracks passive and active health, and drains
/// endpoints that were removed.
/// </summary>
/// <remarks>
/// Invariant: pickers only ever read <see cref="Current"/>, an immutable snapshot, without locks; every change (endpoint
/// update, ejection, re-admission, drain) happens under <see cref="_gate"/> and ends by publishing a new snapshot.
/// </remarks>
internal sealed class BackendPool
{
    private readonly Lock _gate = new();
    private readonly List<Backend> _draining = [];
    private readonly ServiceRuntime _service;
    private EndpointSet _current = EndpointSet.Empty;
    private int _nextRoundRobin = -1;

    public BackendPool(ServiceRuntime service, int servicePort)
    {
        _service = service;
        ServicePort = servicePort;
    }

    /// <summary>The service port as defined; names this pool in logs and statistics.</summary>
    public int ServicePort { get; }

    public EndpointSet Current => Volatile.Read(ref _current);

    /// <summary>Picks a backend for a new connection, or null when there are none.</summary>
    /// <remarks>
    /// When health has ejected every endpoint, picks among all of them instead of refusing everyone ("panic mode", as in
    /// Envoy): ejection is a guess from recent failures, and a total outage for a whole ejection period is worse than
    /// trying an endpoint that may have come back.
    /// </remarks>
    public Backend? Pick(LoadBalancingPolicy policy)
    {
        var set = Current;
        var candidates = set.Healthy.Length != 0 ? set.Healthy : set.All;
        switch (candidates.Length)
        {
            case 0:
                return null;
            case 1:
                return candidates[0];
        }
        if (policy == LoadBalancingPolicy.PowerOfTwoLeastConnections)
        {
            // Random.Shared keeps its state per thread, so this is lock-free and cheap. Two distinct indices.
            var first = Random.Shared.Next(candidates.Length);
            var second = Random.Shared.Next(candidates.Length - 1);
            if (second >= first)
            {
                second++;
            }
            var a = candidates[first];
            var b = candidates[second];
            return b.ActiveConnections < a.ActiveConnections ? b : a;
        }
        // The counter wraps at int.MaxValue; as unsigned the modulo stays in range and the turn order unbroken.
        var turn = (uint)Interlocked.Increment(ref _nextRoundRobin);
        return candidates[(int)(turn % (uint)candidates.Length)];
    }

    /// <summary>Picks a backend not in <paramref name="tried"/>, preferring healthy ones; null when all were tried.
    /// Only on the retry path, after a failed connect.</summary>
    public Backend? PickExcluding(LoadBalancingPolicy policy, List<Backend> tried)
    {
        var picked = Pick(policy);
        if (picked is not null && !tried.Contains(picked))
        {
            return picked;
        }
        var set = Current;
        foreach (var backend in set.Healthy)
        {
            if (!tried.Contains(backend))
            {
                return backend;
            }
        }
        foreach (var backend in set.All)
        {
            if (!tried.Contains(backend))
            {
                return backend;
            }
        }
        return null;
    }

    /// <summary>
    /// Makes <paramref name="endpoints"/> the current endpoints. Endpoints kept keep their state and connections; new
    /// ones start healthy; removed ones stop taking connections at once and drain for <paramref name="drainTimeout"/>.
    /// An endpoint re-added while it still drains is taken back, and its connections live on.
    /// </summary>
    public void Update(IReadOnlyList<IPEndPoint> endpoints, TimeSpan drainTimeout)
    {
        List<Backend>? closeNow = null;
        lock (_gate)
        {
            var existing = new Dictionary<IPEndPoint, Backend>(_current.All.Length);
            foreach (var backend in _current.All)
            {
                existing[backend.EndPoint] = backend;
            }
            var next = new List<Backend>(endpoints.Count);
            var seen = new HashSet<IPEndPoint>();
            foreach (var endpoint in endpoints)
            {
                // EndpointSlices may list an endpoint twice (one per slice); it is still one backend.
                if (!seen.Add(endpoint))
                {
                    continue;
                }
                if (existing.Remove(endpoint, out var kept))
                {
                    next.Add(kept);
                }
                else if (TakeBackFromDraining(endpoint) is { } revived)
                {
                    next.Add(revived);
                }
                else
                {
                    next.Add(new Backend(this, new IPEndPoint(endpoint.Address, endpoint.Port)));
                }
            }
            foreach (var removed in existing.Values)
            {
                StartDrain(removed, drainTimeout, ref closeNow);
            }
            Publish([.. next]);
        }
        CloseAll(closeNow);
    }

    /// <summary>Drains every endpoint: the port or its service is going away.</summary>
    public void DrainAll(TimeSpan drainTimeout)
    {
        List<Backend>? closeNow = null;
        lock (_gate)
        {
            foreach (var backend in _current.All)
            {
                StartDrain(backend, drainTimeout, ref closeNow);
            }
            Publish([]);
        }
        CloseAll(closeNow);
    }

    /// <summary>Closes every connection at once and cancels every timer: the host is being disposed.</summary>
    public void CloseAll()
    {
        List<Backend> all;
        lock (_gate)
        {
            all = [.. _current.All, .. _draining];
            foreach (var backend in all)
            {
                backend.Draining = true;
                backend.Readmission?.Dispose();
                backend.Readmission = null;
                backend.DrainDeadline?.Dispose();
                backend.DrainDeadline = null;
            }
            _draining.Clear();
            Publish([]);
        }
        CloseAll(all);
    }

    /// <summary>Passive health: a connect to <paramref name="backend"/> failed, so leave it out for
    /// <paramref name="ejectionPeriod"/> (restarting the period if it is already out).</summary>
    public void ReportConnectFailure(Backend backend, TimeSpan ejectionPeriod)
    {
        if (ejectionPeriod <= TimeSpan.Zero)
        {
            return;
        }
        bool ejected;
        lock (_gate)
        {
            if (backend.Draining)
            {
                return;
            }
            ejected = backend.Healthy;
            backend.PassivelyEjected = true;
            backend.Readmission?.Dispose();
            // Created under the gate, so its callback (which takes the gate) sees Readmission already set.
            backend.Readmission = new Deadline(this, backend, ejectionPeriod, static d => d.Pool.Readmit(d));
            if (ejected)
            {
                _service.Counters.AddEjection();
                Publish(_current.All);
            }
        }
        if (ejected)
        {
            LoadBalancerLog.EndpointEjectedPassively(_service.Logger, _service.Key, ServicePort, backend.EndPoint, ejectionPeriod.TotalSeconds);
        }
    }

    /// <summary>Active health: the latest check of <paramref name="backend"/> succeeded or failed.</summary>
    public void ReportActiveCheck(Backend backend, bool succeeded)
    {
        bool changed;
        bool healthyNow;
        lock (_gate)
        {
            if (backend.Draining || backend.FailingActiveCheck != succeeded)
            {
                return;
            }
            var wasHealthy = backend.Healthy;
            backend.FailingActiveCheck = !succeeded;
            healthyNow = backend.Healthy;
            changed = wasHealthy != healthyNow;
            if (changed)
            {
                if (!healthyNow)
                {
                    _service.Counters.AddEjection();
                }
                Publish(_current.All);
            }
        }
        if (succeeded)
        {
            LoadBalancerLog.EndpointPassedActiveCheck(_service.Logger, _service.Key, ServicePort, backend.EndPoint, healthyNow);
        }
        else
        {
            LoadBalancerLog.EndpointEjectedActively(_service.Logger, _service.Key, ServicePort, backend.EndPoint);
        }
    }

    /// <summary>Current endpoints then draining ones, read consistently.</summary>
    public void AddStatistics(List<EndpointStatistics> into)
    {
        lock (_gate)
        {
            foreach (var backend in _current.All)
            {
                into.Add(Describe(backend));
            }
            foreach (var backend in _draining)
            {
                into.Add(Describe(backend));
            }
        }
    }

    private EndpointStatistics Describe(Backend backend) =>
        new(ServicePort, backend.EndPoint, backend.Healthy, backend.Draining, backend.ActiveConnections, backend.Connections);

    private void Readmit(Deadline deadline)
    {
        var backend = deadline.Backend;
        bool readmitted;
        lock (_gate)
        {
            // A later failure replaced this deadline, or the endpoint left: this one no longer counts.
            if (backend.Readmission != deadline)
            {
                return;
            }
            deadline.Dispose();
            backend.Readmission = null;
            backend.PassivelyEjected = false;
            readmitted = backend.Healthy && !backend.Draining;
            if (readmitted)
            {
                Publish(_current.All);
            }
        }
        if (readmitted)
        {
            LoadBalancerLog.EndpointReadmitted(_service.Logger, _service.Key, ServicePort, backend.EndPoint);
        }
    }

    private void EndDrain(Deadline deadline)
    {
        var backend = deadline.Backend;
        lock (_gate)
        {
            if (backend.DrainDeadline != deadline)
            {
                return;
            }
            deadline.Dispose();
            backend.DrainDeadline = null;
            _draining.Remove(backend);
        }
        var open = backend.ActiveConnections;
        if (open > 0)
        {
            LoadBalancerLog.DrainTimeoutClosing(_service.Logger, _service.Key, ServicePort, backend.EndPoint, open);
        }
        backend.CloseConnections();
    }

    // Under the gate.
    private void StartDrain(Backend backend, TimeSpan drainTimeout, ref List<Backend>? closeNow)
    {
        backend.Draining = true;
        backend.Readmission?.Dispose();
        backend.Readmission = null;
        if (drainTimeout <= TimeSpan.Zero)
        {
            (closeNow ??= []).Add(backend);
            return;
        }
        _draining.Add(backend);
        backend.DrainDeadline = new Deadline(this, backend, drainTimeout, static d => d.Pool.EndDrain(d));
    }

    // Under the gate.
    private Backend? TakeBackFromDraining(IPEndPoint endpoint)
    {
        for (var i = 0; i < _draining.Count; i++)
        {
            var backend = _draining[i];
            if (backend.EndPoint.Equals(endpoint))
            {
                _draining.RemoveAt(i);
                backend.DrainDeadline?.Dispose();
                backend.DrainDeadline = null;
                backend.Draining = false;
                return backend;
            }
        }
        return null;
    }

    // Under the gate.
    private void Publish(Backend[] all)
    {
        var healthyCount = 0;
        foreach (var backend in all)
        {
            if (backend.Healthy)
            {
                healthyCount++;
            }
        }
        Backend[] healthy;
        if (healthyCount == all.Length)
        {
            healthy = all;
        }
        else
        {
            healthy = new Backend[healthyCount];
            var i = 0;
            foreach (var backend in all)
            {
                if (backend.Healthy)
                {
                    healthy[i++] = backend;
                }
            }
        }
        Volatile.Write(ref _current, new EndpointSet(all, healthy));
    }

    private static void CloseAll(List<Backend>? backends)
    {
        if (backends is null)
        {
            return;
        }
        foreach (var backend in backends)
        {
            backend.CloseConnections();
        }
    }

    /// <summary>
    /// A one-shot timer on the service's clock for one backend. The backend holds the deadline that counts; a callback
    /// whose deadline was replaced or cancelled meanwhile finds it no longer held and does nothing.
    /// </summary>
    internal sealed class Deadline : IDisposable
    {
        private readonly Action<Deadline> _onDue;
        private readonly ITimer _timer;

        public Deadline(BackendPool pool, Backend backend, TimeSpan due, Action<Deadline> onDue)
        {
            Pool = pool;
            Backend = backend;
            _onDue = onDue;
            // Timers must not capture the flow of whichever connection or update happened to start them.
            // (SuppressFlow throws when flow is already suppressed, hence the check.)
            var suppressed = ExecutionContext.IsFlowSuppressed() ? default(AsyncFlowControl?) : ExecutionContext.SuppressFlow();
            try
            {
                _timer = pool._service.TimeProvider.CreateTimer(
                    static state => ((Deadline)state!).Fire(), this, due, Timeout.InfiniteTimeSpan);
            }
            finally
            {
                suppressed?.Undo();
            }
        }

        public BackendPool Pool { get; }

        public Backend Backend { get; }

        private void Fire() => _onDue(this);

        public void Dispose() => _timer.Dispose();
    }
}
