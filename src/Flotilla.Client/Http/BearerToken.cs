using Flotilla.Client.Config;

namespace Flotilla.Client.Http;

/// <summary>
/// The bearer token of a connection: a fixed string, or a file re-read once the copy in memory is
/// <see cref="RefreshAfter"/> old (client-go's cached file token source), so that projected service-account tokens
/// are picked up after the kubelet rotates them. A failed re-read keeps the last good token.
/// </summary>
internal sealed class BearerToken
{
    /// <summary>How long a token read from a file is used before the file is read again.</summary>
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromMinutes(1);

    private readonly string? _fixed;
    private readonly string? _file;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private string? _cached;
    private long _readAt;

    private BearerToken(string? fixedToken, string? file, TimeProvider time)
    {
        _fixed = fixedToken;
        _file = file;
        _time = time;
    }

    /// <summary>The token source of <paramref name="connection"/>, or null when it has no token.</summary>
    public static BearerToken? For(ClusterConnection connection, TimeProvider time) =>
        connection.Token is { Length: > 0 } token ? new BearerToken(token, null, time)
        : connection.TokenFile is { Length: > 0 } file ? new BearerToken(null, file, time)
        : null;

    public string Current()
    {
        if (_fixed is not null)
        {
            return _fixed;
        }
        lock (_lock)
        {
            if (_cached is null || _time.GetElapsedTime(_readAt) >= RefreshAfter)
            {
                try
                {
                    var text = File.ReadAllText(_file!).Trim();
                    if (text.Length > 0 || _cached is null)
                    {
                        _cached = text;
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    if (_cached is null)
                    {
                        throw new KubeConfigException($"cannot read the bearer token file {_file}: {e.Message}", e);
                    }
                    // Mid-rotation the file can be briefly unreadable; the previous token is still valid for a while.
                }
                _readAt = _time.GetTimestamp();
            }
            return _cached;
        }
    }
}
