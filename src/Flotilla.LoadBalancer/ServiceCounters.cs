namespace Flotilla.LoadBalancer;

/// <summary>
/// One service's counters, updated with <see cref="Interlocked"/> from every connection and read by the meter and by
/// statistics. They live as long as the service, across updates.
/// </summary>
/// <remarks>Shared atomics are contended across cores, but each costs one atomic add per socket read or connection,
/// small beside the syscall it accounts for; per-thread sharding would only pay off at many more cores.</remarks>
internal sealed class ServiceCounters
{
    private long _accepted;
    private long _active;
    private long _bytesReceived;
    private long _bytesSent;
    private long _connectFailures;
    private long _ejections;

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Active => Interlocked.Read(ref _active);

    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public long ConnectFailures => Interlocked.Read(ref _connectFailures);

    public long Ejections => Interlocked.Read(ref _ejections);

    public void AddAccepted() => Interlocked.Increment(ref _accepted);

    public void ConnectionOpened() => Interlocked.Increment(ref _active);

    public void ConnectionClosed() => Interlocked.Decrement(ref _active);

    public void AddBytesReceived(int count) => Interlocked.Add(ref _bytesReceived, count);

    public void AddBytesSent(int count) => Interlocked.Add(ref _bytesSent, count);

    public void AddConnectFailure() => Interlocked.Increment(ref _connectFailures);

    public void AddEjection() => Interlocked.Increment(ref _ejections);
}

/// <summary>The parts of a <see cref="ServiceDefinition"/> each new connection reads: one immutable snapshot, swapped
/// on update, so a connection sees one consistent set.</summary>
internal sealed record ServiceSettings(
    LoadBalancingPolicy Policy,
    TimeSpan ConnectTimeout,
    TimeSpan PassiveEjectionPeriod,
    TimeSpan DrainTimeout,
    ActiveHealthCheckOptions? ActiveHealthCheck)
{
    public static ServiceSettings From(ServiceDefinition definition) => new(
        definition.Policy,
        definition.ConnectTimeout,
        definition.PassiveEjectionPeriod,
        definition.DrainTimeout,
        definition.ActiveHealthCheck);
}
