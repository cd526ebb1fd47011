using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Flotilla.Api.Meta;
using Flotilla.Storage;

namespace Flotilla.ApiServer.Http;

/// <summary>
/// Keeps the snapshots behind paginated lists, so that every page of one list comes from the same
/// resourceVersion (as upstream guarantees). A snapshot holds references to stored values, not copies. Tokens
/// are opaque to clients: base64 of the snapshot id, its revision and the next offset. A snapshot belongs to the
/// collection it was listed from (its store prefix), so a token cannot continue a different collection's list.
/// </summary>
internal sealed class ListSnapshots(TimeProvider time)
{
    /// <summary>How long a continue token stays valid; upstream's is bounded by etcd compaction (~5 minutes).</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private const int MaxSnapshots = 1024;

    private readonly ConcurrentDictionary<Guid, Entry> _snapshots = new();

    /// <summary>Stores the rest of a list of <paramref name="collection"/> and returns the token that resumes it at <paramref name="offset"/>.</summary>
    public string Save(string collection, long revision, IReadOnlyList<StoredValue> items, int offset, Guid? existing)
    {
        var id = existing ?? Guid.NewGuid();
        _snapshots[id] = new Entry(collection, revision, items, time.GetUtcNow() + Lifetime);
        if (_snapshots.Count > MaxSnapshots)
        {
            Evict();
        }
        var json = JsonSerializer.Serialize(new Token(id, revision, offset), TokenContext.Default.Token);
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>
    /// Resolves a continue token for a list of <paramref name="collection"/>: 400 when it cannot be decoded or
    /// continues another collection, 410 when its snapshot has expired.
    /// </summary>
    public (Guid Id, long Revision, IReadOnlyList<StoredValue> Items, int Offset) Resume(string token, string collection)
    {
        Token? parsed;
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            parsed = JsonSerializer.Deserialize(Convert.FromBase64String(base64), TokenContext.Default.Token);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            parsed = null;
        }
        if (parsed is null || parsed.Id == Guid.Empty || parsed.Offset < 0)
        {
            throw InvalidToken();
        }
        if (!_snapshots.TryGetValue(parsed.Id, out var entry) || entry.Expires < time.GetUtcNow())
        {
            _snapshots.TryRemove(parsed.Id, out _);
            throw ApiException.Expired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.");
        }
        if (entry.Collection != collection)
        {
            throw InvalidToken();
        }
        return (parsed.Id, entry.Revision, entry.Items, parsed.Offset);
    }

    public void Forget(Guid id) => _snapshots.TryRemove(id, out _);

    private static ApiException InvalidToken() =>
        ApiException.BadRequest("continue key is not valid: the continue parameter must be a token returned by a previous list call with the same parameters");

    private void Evict()
    {
        var now = time.GetUtcNow();
        foreach (var (id, entry) in _snapshots)
        {
            if (entry.Expires < now)
            {
                _snapshots.TryRemove(id, out _);
            }
        }
        // Still too many: drop the ones closest to expiry.
        foreach (var (id, _) in _snapshots.OrderBy(e => e.Value.Expires).Take(Math.Max(0, _snapshots.Count - MaxSnapshots)))
        {
            _snapshots.TryRemove(id, out _);
        }
    }

    private sealed record Entry(string Collection, long Revision, IReadOnlyList<StoredValue> Items, DateTimeOffset Expires);

    internal sealed record Token(Guid Id, long Revision, int Offset);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(ListSnapshots.Token))]
internal sealed partial class TokenContext : System.Text.Json.Serialization.JsonSerializerContext;
