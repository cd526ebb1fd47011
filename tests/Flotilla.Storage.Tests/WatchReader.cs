using System.Text;

namespace Flotilla.Storage.Tests;

/// <summary>Reads a store watch in phases, failing with the phase's name instead of hanging.</summary>
internal sealed class WatchReader : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly IAsyncEnumerator<WatchEvent> _events;

    public WatchReader(IStoreWatch watch) => _events = watch.Events().GetAsyncEnumerator();

    /// <summary>Reads exactly <paramref name="count"/> events.</summary>
    public async Task<List<WatchEvent>> ReadAsync(int count, string phase)
    {
        var events = new List<WatchEvent>(count);
        while (events.Count < count)
        {
            if (!await MoveNextAsync(phase, events.Count))
            {
                throw new InvalidOperationException($"{phase}: the watch ended after {events.Count} of {count} events.");
            }
            events.Add(_events.Current);
        }
        return events;
    }

    /// <summary>Reads until the stream ends, returning what came and the exception it ended with, if any.</summary>
    public async Task<(List<WatchEvent> Events, Exception? Error)> ReadToEndAsync(string phase)
    {
        var events = new List<WatchEvent>();
        try
        {
            while (await MoveNextAsync(phase, events.Count))
            {
                events.Add(_events.Current);
            }
            return (events, null);
        }
        catch (Exception error) when (error is not TimeoutException)
        {
            return (events, error);
        }
    }

    public ValueTask DisposeAsync() => _events.DisposeAsync();

    private async Task<bool> MoveNextAsync(string phase, int received)
    {
        try
        {
            return await _events.MoveNextAsync().AsTask().WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{phase}: no event within {Timeout.TotalSeconds}s after {received} events.");
        }
    }
}

/// <summary>A watch event with its values as text, so whole events compare by value.</summary>
internal sealed record SeenEvent(WatchEventType Type, string Key, long Revision, string Value, string? Previous)
{
    public static SeenEvent From(WatchEvent e) => new(
        e.Type, e.Key, e.Revision, Encoding.UTF8.GetString(e.Value),
        e.PreviousValue is null ? null : Encoding.UTF8.GetString(e.PreviousValue));
}
