using System.Text.Json.Nodes;
using Flotilla.Client;
using Flotilla.Runtime.LeaderElection;
using Flotilla.Testing;

namespace Flotilla.Runtime.Tests.LeaderElection;

/// <summary>
/// Candidates for one Lease on a real API server, all on one <see cref="ManualTimeProvider"/>. Time moves only in
/// <see cref="StepUntilAsync"/>, one timer at a time and only once every participant is idle (waiting on its
/// timers, not in a request), which makes each run a deterministic discrete-event simulation up to requests that
/// are truly concurrent. The API server keeps real time; the election never reads it.
/// </summary>
internal sealed class Election : IAsyncDisposable
{
    public const string LeaseNamespace = "kube-node-lease";
    public const string LeaseName = "flotilla-hub";

    /// <summary>Defaults of the options: 15 s lease, 10 s renew deadline, 2 s retry period.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan RenewDeadline = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between acquisition attempts: the retry period jittered by 120%.</summary>
    public static readonly TimeSpan MaxAcquireWait = RetryPeriod * 2.2;

    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(10);

    private readonly List<IParticipant> _participants = [];

    private Election(TestApiServer server, LeaseHistory lease)
    {
        Server = server;
        Lease = lease;
        History = new ElectionHistory(Time);
    }

    public TestApiServer Server { get; }

    public ManualTimeProvider Time { get; } = new();

    public ElectionHistory History { get; }

    public LeaseHistory Lease { get; }

    public DateTimeOffset Now => Time.GetUtcNow();

    public static async Task<Election> StartAsync(TestApiServer server) =>
        new(server, await LeaseHistory.StartAsync(NewClient(server), LeaseNamespace, LeaseName));

    public static KubernetesClient NewClient(TestApiServer server) => KubernetesClient.FromKubeConfigFile(server.Host.KubeconfigPath);

    public LeaderElectionOptions Options(string identity, bool releaseOnCancel = true) => new()
    {
        LeaseNamespace = LeaseNamespace,
        LeaseName = LeaseName,
        Identity = identity,
        ReleaseOnCancel = releaseOnCancel,
        Time = Time,
    };

    /// <summary>The lease access of a new participant: its own client, stallable.</summary>
    public FaultyLeaseLock NewLock() => new(new LeaseLock(NewClient(Server), LeaseNamespace, LeaseName));

    /// <summary>Starts a candidate that records its callbacks in <see cref="History"/> and competes again after each term.</summary>
    public Candidate AddCandidate(string identity, bool releaseOnCancel = true)
    {
        var candidate = new Candidate(identity, NewLock(), Options(identity, releaseOnCancel), History);
        Add(candidate);
        return candidate;
    }

    public void Add(IParticipant participant) => _participants.Add(participant);

    public async Task<JsonObject> GetLeaseAsync() =>
        await NewClient(Server).Resource(LeaseLock.Mapping).InNamespace(LeaseNamespace).GetAsync(LeaseName);

    /// <summary>Waits until every participant is idle: the timers pending are exactly those idle participants hold.</summary>
    public async Task SettleAsync(string phase)
    {
        try
        {
            await Eventually.WaitAsync($"the candidates to settle ({phase})", () => Time.PendingTimerCount == _participants.Sum(p => p.IdleTimers), SettleLimit);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; {Describe()} at {Now:HH:mm:ss.fff}\n{History.Dump()}", e);
        }
    }

    /// <summary>
    /// Moves time from timer to timer, settling after each, until <paramref name="condition"/> holds; fails when
    /// <paramref name="limit"/> of manual time passes first.
    /// </summary>
    public async Task StepUntilAsync(string phase, Func<bool> condition, TimeSpan limit)
    {
        var end = Now + limit;
        while (true)
        {
            await SettleAsync(phase);
            if (condition())
            {
                return;
            }
            var next = Time.PendingDelays().FirstOrDefault(TimeSpan.MaxValue);
            if (Now >= end || next == TimeSpan.MaxValue)
            {
                throw new Xunit.Sdk.XunitException($"{phase}: did not happen within {limit.TotalSeconds}s of manual time (now {Now:HH:mm:ss.fff}).\n{History.Dump()}");
            }
            Time.Advance(next < end - Now ? next : end - Now);
        }
    }

    /// <summary>Lets <paramref name="span"/> of manual time pass, timer by timer.</summary>
    public Task PassAsync(string phase, TimeSpan span)
    {
        var end = Now + span;
        return StepUntilAsync(phase, () => Now >= end, span);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var participant in _participants)
        {
            await participant.DisposeAsync();
        }
        await Lease.DisposeAsync();
    }

    private string Describe() =>
        $"{Time.PendingTimerCount} timer(s) pending, expected {string.Join(" + ", _participants.Select(p => $"{p.Identity}:{p.IdleTimers}"))}";
}

/// <summary>Something that competes in an <see cref="Election"/>.</summary>
internal interface IParticipant : IAsyncDisposable
{
    string Identity { get; }

    /// <summary>
    /// The timers it holds when idle: a follower one (its next attempt), a leader two (its next renewal and its
    /// deadline), a stalled leader only its deadline, a stalled follower or a stopped participant none.
    /// </summary>
    int IdleTimers { get; }
}

/// <summary>A candidate that records its callbacks and competes again after each term, until stopped.</summary>
internal sealed class Candidate : IParticipant
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public Candidate(string identity, FaultyLeaseLock lease, LeaderElectionOptions options, ElectionHistory history)
    {
        Identity = identity;
        Lock = lease;
        Elector = new LeaderElector(lease, options, new LeaderElectionCallbacks
        {
            OnStartedLeading = _ =>
            {
                history.Record(identity, Happening.Started);
                return Task.CompletedTask;
            },
            OnStoppedLeading = () => history.Record(identity, Happening.Stopped),
            OnNewLeader = leader => history.Record(identity, Happening.NewLeader, leader),
        });
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                await Elector.RunAsync(_stop.Token);
            }
        });
    }

    public string Identity { get; }

    public LeaderElector Elector { get; }

    public FaultyLeaseLock Lock { get; }

    public int IdleTimers => _loop.IsCompleted ? 0 : (Lock.StalledCalls > 0 ? 0 : 1) + (Elector.IsLeader ? 1 : 0);

    /// <summary>Cancels the run: with ReleaseOnCancel a graceful stop, without it what a SIGKILL leaves behind.</summary>
    public async Task StopAsync()
    {
        Lock.Resume();
        await _stop.CancelAsync();
        await _loop.Within($"{Identity} to stop");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
