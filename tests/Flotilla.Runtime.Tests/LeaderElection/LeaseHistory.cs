using System.Collections.Concurrent;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Runtime.LeaderElection;
using Flotilla.Testing;

namespace Flotilla.Runtime.Tests.LeaderElection;

/// <summary>Every state of one Lease, as a watch sees it (an outside observer's view of the election).</summary>
internal sealed class LeaseHistory : IAsyncDisposable
{
    private readonly ConcurrentQueue<LeaderElectionRecord> _records = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _watch = Task.CompletedTask;

    private LeaseHistory()
    {
    }

    public IReadOnlyList<LeaderElectionRecord> Records => [.. _records];

    /// <summary>The holders in the order they held the lease, consecutive repeats merged (an empty holder included).</summary>
    public IReadOnlyList<string> Holders =>
        [.. Records.Select(r => r.HolderIdentity).Aggregate(new List<string>(), (list, holder) =>
        {
            if (list.Count == 0 || list[^1] != holder)
            {
                list.Add(holder);
            }
            return list;
        })];

    public static async Task<LeaseHistory> StartAsync(KubernetesClient client, string ns, string name)
    {
        var leases = client.Resource(LeaseLock.Mapping).InNamespace(ns);
        var list = await leases.ListAsync();
        var history = new LeaseHistory();
        history._watch = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in leases.WatchAsync(new WatchOptions { ResourceVersion = list.ResourceVersion }, history._stop.Token))
                {
                    if (e.Type is WatchEventType.Added or WatchEventType.Modified && e.Object.Name() == name)
                    {
                        history._records.Enqueue(LeaderElectionRecord.FromLease(e.Object));
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        return history;
    }

    /// <summary>The last renewTime <paramref name="holder"/> wrote, once the watch has seen <paramref name="after"/> take over.</summary>
    public async Task<DateTimeOffset> LastRenewAsync(string holder, string after)
    {
        await Eventually.WaitAsync($"the lease watch to see {after} take over from {holder}", () => Holders.Contains(after), TimeSpan.FromSeconds(10));
        var last = Records.TakeWhile(r => r.HolderIdentity != after).Last(r => r.HolderIdentity == holder);
        return Obj.ParseTime(last.RenewTime) ?? throw new Xunit.Sdk.XunitException($"renewTime '{last.RenewTime}' of {holder} does not parse");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watch;
        _stop.Dispose();
    }
}
