using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Runtime.LeaderElection;

namespace Flotilla.Runtime.Tests.LeaderElection;

/// <summary>
/// Wraps a candidate's lease access so a test can inject faults. <see cref="Stall"/> holds requests, as a paused
/// process or a network that holds requests would; a stalled request is delivered late: once resumed it goes to
/// the server even if its caller has given up meanwhile, so the server's resourceVersion check is what must
/// reject it. <see cref="LoseNextResponse"/> lets the next request take effect but fails it for the caller, as a
/// connection reset after the server applied the write would.
/// </summary>
internal sealed class FaultyLeaseLock(ILeaseLock inner) : ILeaseLock
{
    private readonly Lock _lock = new();
    private TaskCompletionSource? _gate;
    private int _stalledCalls;
    private int _loseNextResponse;
    private int _lostResponses;

    public string Description => inner.Description;

    /// <summary>Requests waiting at the stall.</summary>
    public int StalledCalls => Volatile.Read(ref _stalledCalls);

    /// <summary>How the requests delivered late ended: <c>Succeeded</c>, or the reason of the server's error.</summary>
    public ConcurrentQueue<string> LateOutcomes { get; } = new();

    /// <summary>Responses withheld from the caller after the server acted on the request.</summary>
    public int LostResponses => Volatile.Read(ref _lostResponses);

    public void LoseNextResponse() => Volatile.Write(ref _loseNextResponse, 1);

    public void Stall()
    {
        lock (_lock)
        {
            _gate ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Resume()
    {
        TaskCompletionSource? gate;
        lock (_lock)
        {
            gate = _gate;
            _gate = null;
        }
        gate?.TrySetResult();
    }

    public Task<JsonObject?> GetAsync(CancellationToken cancellationToken) => PassAsync(token => inner.GetAsync(token), cancellationToken);

    public Task<JsonObject> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken) =>
        PassAsync(token => inner.CreateAsync(record, token), cancellationToken);

    public Task<JsonObject> UpdateAsync(JsonObject current, LeaderElectionRecord record, CancellationToken cancellationToken) =>
        PassAsync(token => inner.UpdateAsync(current, record, token), cancellationToken);

    private async Task<T> PassAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        Task? gate;
        lock (_lock)
        {
            gate = _gate?.Task;
        }
        if (gate is null)
        {
            var result = await call(cancellationToken);
            if (Interlocked.Exchange(ref _loseNextResponse, 0) == 1)
            {
                Interlocked.Increment(ref _lostResponses);
                throw new HttpRequestException("the connection was reset before the response arrived (injected)");
            }
            return result;
        }
        Interlocked.Increment(ref _stalledCalls);
        try
        {
            await gate;
        }
        finally
        {
            Interlocked.Decrement(ref _stalledCalls);
        }
        try
        {
            var result = await call(CancellationToken.None);
            LateOutcomes.Enqueue("Succeeded");
            return result;
        }
        catch (ApiException e)
        {
            LateOutcomes.Enqueue(e.Reason);
            throw;
        }
    }
}
