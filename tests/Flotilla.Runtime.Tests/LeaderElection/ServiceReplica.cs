using Flotilla.Runtime.LeaderElection;
using Microsoft.Extensions.Hosting;

namespace Flotilla.Runtime.Tests.LeaderElection;

/// <summary>A <see cref="LeaderElectedService"/> in an <see cref="Election"/>, running <see cref="RecordingComponent"/>s.</summary>
internal sealed class ServiceReplica : IParticipant
{
    private int _state;

    public ServiceReplica(string identity, Election election, ElectionHistory components, bool componentFails = false)
    {
        Identity = identity;
        Lock = election.NewLock();
        Service = new LeaderElectedService(Lock, election.Options(identity), () => new RecordingComponent(identity, components, componentFails));
    }

    public string Identity { get; }

    public FaultyLeaseLock Lock { get; }

    public LeaderElectedService Service { get; }

    public int IdleTimers => Volatile.Read(ref _state) != 1 ? 0 : (Lock.StalledCalls > 0 ? 0 : 1) + (Service.IsLeader ? 1 : 0);

    public async Task StartAsync()
    {
        await Service.StartAsync(CancellationToken.None);
        Volatile.Write(ref _state, 1);
    }

    public async Task StopAsync()
    {
        Lock.Resume();
        await Service.StopAsync(CancellationToken.None).Within($"{Identity} to stop");
        Volatile.Write(ref _state, 2);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Service.DisposeAsync();
    }
}

/// <summary>Records when it is started and stopped, and whether the stop allowed a grace period.</summary>
internal sealed class RecordingComponent(string identity, ElectionHistory history, bool fails) : IHostedService
{
    public const string NoGrace = "no grace";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (fails)
        {
            throw new InvalidOperationException($"component of {identity} cannot start");
        }
        history.Record(identity, Happening.Started);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (!fails)
        {
            history.Record(identity, Happening.Stopped, cancellationToken.IsCancellationRequested ? NoGrace : "grace");
        }
        return Task.CompletedTask;
    }
}
